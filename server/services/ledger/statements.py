"""每月汇总登记: closing a household's month into a statement, after which it takes no entries.

A statement holds the opening balance, the minutes in and out, the closing balance and
each member's service minutes that month. Closing locks the community's ledger chain,
so no posting can slip into the month while its figures are being added up. Closing
twice changes nothing (UNIQUE account, year, month). Each statement is signed as it closes, with the
community's chain head at that moment (`signing`, docs/ledger.md "Signed statements").
"""

import datetime as dt

from peewee import fn

from server import clock
from server.db import database
from server.errors import NotFound, RuleBroken
from server.models import Account, Entry, Household, Member, ServiceRecord, Statement
from server.services.ledger import core as ledger
from server.services.ledger import signing
from server.services.people import core as people


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, month, 1)
    end = dt.date(year + (month == 12), month % 12 + 1, 1)
    return start, end


def previous_month(day: dt.date) -> tuple[int, int]:
    first = day.replace(day=1) - dt.timedelta(days=1)
    return first.year, first.month


def month_sums(account_id: int, start: dt.date, end: dt.date) -> tuple[int, int, int]:
    before = (Entry.select(fn.COALESCE(fn.SUM(Entry.minutes), 0))
              .where(Entry.account == account_id, Entry.effective_date < start).scalar())
    minutes_in = (Entry.select(fn.COALESCE(fn.SUM(Entry.minutes), 0))
                  .where(Entry.account == account_id, Entry.effective_date >= start, Entry.effective_date < end,
                         Entry.minutes > 0).scalar())
    minutes_out = (Entry.select(fn.COALESCE(fn.SUM(Entry.minutes), 0))
                   .where(Entry.account == account_id, Entry.effective_date >= start, Entry.effective_date < end,
                          Entry.minutes < 0).scalar())
    return int(before or 0), int(minutes_in or 0), -int(minutes_out or 0)


def _per_member(household_id: int, start: dt.date, end: dt.date) -> list[dict]:
    rows = (
        ServiceRecord.select(ServiceRecord.volunteer, Member.name, fn.SUM(ServiceRecord.credited_minutes).alias("m"))
        .join(Member, on=(ServiceRecord.volunteer == Member.id))
        .where(Member.household == household_id, ServiceRecord.status == "credited",
               ServiceRecord.started_at >= dt.datetime.combine(start, dt.time()),
               ServiceRecord.started_at < dt.datetime.combine(end, dt.time()))
        .group_by(ServiceRecord.volunteer, Member.name)
        .order_by(ServiceRecord.volunteer)
        .tuples()
    )
    return [{"member_id": member_id, "name": name, "minutes": int(minutes or 0)} for member_id, name, minutes in rows]


def month_over(year: int, month: int) -> bool:
    """Only a month that has ended can be closed (its last day is over)."""
    return month_bounds(year, month)[1] <= clock.today()


def close_month(household: Household, year: int, month: int) -> Statement:
    """Close one household's month; a month still running cannot be closed."""
    start, end = month_bounds(year, month)
    if not month_over(year, month):
        raise RuleBroken("这个月还没有过完，不能结账", field="month", rule="month_not_over")
    account = ledger.household_account(household.id)
    with database.atomic():
        ledger.hold_community(household.community_id)
        existing = Statement.get_or_none(Statement.account == account.id, Statement.year == year, Statement.month == month)
        if existing is not None:
            return existing
        opening, minutes_in, minutes_out = month_sums(account.id, start, end)
        Statement.insert(
            account=account.id, household=household.id, year=year, month=month, opening_minutes=opening,
            minutes_in=minutes_in, minutes_out=minutes_out, closing_minutes=opening + minutes_in - minutes_out,
            per_member=_per_member(household.id, start, end), closed_at=clock.now(),
        ).on_conflict_ignore().execute()
        statement = Statement.get(Statement.account == account.id, Statement.year == year, Statement.month == month)
        return signing.sign(statement)  # still holding the chain: its head is the one at close


def view(statement: Statement) -> dict:
    """A statement for the API: its figures and its signature's state (the words come from `signing`)."""
    return {
        "id": statement.id, "year": statement.year, "month": statement.month,
        "opening_minutes": statement.opening_minutes, "minutes_in": statement.minutes_in,
        "minutes_out": statement.minutes_out, "closing_minutes": statement.closing_minutes,
        "per_member": statement.per_member, "closed_at": statement.closed_at, **signing.signature_state(statement),
    }


def listing(viewer: Member, household: Household | int) -> list[Statement]:
    """A household's monthly statements, newest first: its members and its community's coordinators."""
    household = people.household_for(viewer, household)
    return list(Statement.select().where(Statement.household == household.id)
                .order_by(Statement.year.desc(), Statement.month.desc()))


def statement_scope(statement_id: int) -> int | None:
    """The auth gate's scope for /statements/<id>/…: its household's community (None: missing)."""
    return (Statement.select(Household.community).join(Household, on=(Statement.household == Household.id))
            .where(Statement.id == statement_id).scalar())


def statement_for(viewer: Member, statement_id: int) -> Statement:
    """One statement, for its household's members and its community's coordinators."""
    statement = Statement.get_or_none(Statement.id == statement_id)
    if statement is None:
        raise NotFound()
    people.household_for(viewer, statement.household_id)
    return statement


VERIFIED_LABEL, NOT_VERIFIED_LABEL, UNSIGNED_NOTE = "校验通过", "校验未通过", "这份月结单在签名功能启用前结账，没有签名"


def signed_for(viewer: Member, statement_id: int) -> dict:
    """The signed statement of a household's month: the document, its compact form (the QR code's text)
    and this bank's own check of it, with the words to show."""
    statement = statement_for(viewer, statement_id)
    document = signing.signed(statement)
    state = signing.signature_state(statement)
    if document is None:
        return {"statement_id": statement.id, **state, "document": None, "compact": None, "valid": False,
                "verification_label": UNSIGNED_NOTE, "reasons": []}
    result = signing.verify(document)
    return {"statement_id": statement.id, **state, "document": document, "compact": signing.compact(document),
            "valid": result["valid"], "verification_label": VERIFIED_LABEL if result["valid"] else NOT_VERIFIED_LABEL,
            "reasons": result["reasons"]}


def close_community_month(community_id: int, year: int, month: int) -> int:
    """Close the month for every household of a community; returns how many statements exist for it."""
    if not month_over(year, month):
        raise RuleBroken("只能结已经过完的月份", field="month", rule="month_not_over")
    households = Household.select().join(Account, on=(Account.household == Household.id)).where(
        Household.community == community_id)
    for household in households:
        close_month(household, year, month)
    return (Statement.select().join(Household).where(Household.community == community_id, Statement.year == year,
                                                     Statement.month == month).count())
