"""The passbook (爱心储蓄存折) as the mini-program shows it."""

import marshmallow as ma

from server.extensions.pager import next_cursor_field
from server.extensions.smorest import LocalDateTime, Schema, Verbatim


class LineSchema(Schema):
    id = ma.fields.Integer()
    transfer_id = ma.fields.Integer()
    posted_at = LocalDateTime()
    service_date = ma.fields.String()
    direction = ma.fields.String(metadata={
        "description": "deposit | withdrawal | to_pool (0 minutes here: the whole credit went to the love pool, the "
                       "household being at its storage cap) | from_pool (the reversal of such a credit) | none"})
    code = ma.fields.String()
    code_label = ma.fields.String()
    minutes = ma.fields.Integer(metadata={"description": "Signed: + deposit, − withdrawal"})
    running_balance_minutes = ma.fields.Integer()
    place = ma.fields.String()
    content = ma.fields.String()
    duration_minutes = ma.fields.Integer(allow_none=True)
    witness_name = ma.fields.String()
    served_by = ma.fields.String()
    provider = ma.fields.String(metadata={"description": "A payback served by a contracted provider (签约服务机构): its name; empty otherwise"})
    reason = ma.fields.String()
    note = ma.fields.String(metadata={"description": "e.g. overflow to the love pool"})
    pool_minutes = ma.fields.Integer(metadata={
        "description": "Minutes of this transfer that went to the love pool instead of the household (storage cap); "
                       "negative on a reversal, which takes them back"})
    reverses_transfer_id = ma.fields.Integer(allow_none=True)
    corrects_transfer_id = ma.fields.Integer(allow_none=True, metadata={
        "description": "A corrected credit (更正): the credit it replaces, reversed just before it"})
    other_community = ma.fields.String(metadata={
        "description": "The other community of hours that crossed communities (通存通兑, e.g. a gift to a relative "
                       "there); empty otherwise"})


class HoldSchema(Schema):
    id = ma.fields.Integer()
    minutes = ma.fields.Integer()
    reason = ma.fields.String()
    content = ma.fields.String()
    created_at = LocalDateTime()


class YearTotalSchema(Schema):
    member_id = ma.fields.Integer()
    name = ma.fields.String()
    year = ma.fields.Integer()
    minutes = ma.fields.Integer()


class HouseholdRefSchema(Schema):
    id = ma.fields.Integer()
    name = ma.fields.String()


class PassbookSchema(Schema):
    household = ma.fields.Nested(HouseholdRefSchema)
    balance_minutes = ma.fields.Integer()
    held_minutes = ma.fields.Integer()
    available_minutes = ma.fields.Integer()
    entries = Verbatim(LineSchema, many=True, metadata={"description": "Newest first"})
    next_cursor = next_cursor_field()
    holds = ma.fields.List(ma.fields.Nested(HoldSchema))
    yearly_totals = ma.fields.List(ma.fields.Nested(YearTotalSchema))


class PrintoutQuerySchema(Schema):
    start = ma.fields.Date(data_key="from", metadata={
        "description": "Reprint the lines from this ledger date (YYYY-MM-DD); without it the printout goes on where "
                       "the last one stopped and moves the mark"})
    end = ma.fields.Date(data_key="to", metadata={
        "description": "Reprint up to this ledger date, inclusive (default today); only with `from`"})
