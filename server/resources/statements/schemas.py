"""Signed statements: the published keys, a statement to verify, the verdict, a household's signed statement."""

import marshmallow as ma

from server.extensions.smorest import Schema, Text

_BIG = ma.validate.Range(-(2**53), 2**53)  # minutes and ids, within what JSON numbers carry exactly


class PublicKeySchema(Schema):
    key_id = ma.fields.String(metadata={"description": "`<community code>-<yyyymmdd>-<8 hex of SHA-256(public key)>`"})
    algorithm = ma.fields.String(metadata={"description": "Always `Ed25519`"})
    public_key = ma.fields.String(metadata={"description": "The raw 32-byte public key, base64url without padding"})
    community = ma.fields.String(metadata={"description": "The community's code"})
    community_name = ma.fields.String()
    valid_from = ma.fields.String(metadata={"description": "ISO 8601 with offset: signs from then"})
    valid_until = ma.fields.String(allow_none=True, metadata={
        "description": "ISO 8601 with offset: retired then (verifies only what it signed before); null: current"})


class KeysSchema(Schema):
    keys = ma.fields.List(ma.fields.Nested(PublicKeySchema), metadata={
        "description": "Every community's keys, retired ones too (a few per community)"})


class SignedFieldsSchema(Schema):
    """The canonical fields (docs/ledger.md, "Signed statements"), then `key_id` and `signature`."""

    v = ma.fields.Integer(validate=_BIG, metadata={"description": "The format's version: 1"})
    community = Text(validate=ma.validate.Length(max=64), metadata={"description": "The community's code"})
    community_name = Text(validate=ma.validate.Length(max=128))
    household = ma.fields.Integer(validate=_BIG, metadata={"description": "The household's id in its bank"})
    period = Text(validate=ma.validate.Length(max=16), metadata={"description": "`YYYY-MM`"})
    opening = ma.fields.Integer(validate=_BIG, metadata={"description": "Minutes at the month's start"})
    in_ = ma.fields.Integer(data_key="in", attribute="in", validate=_BIG, metadata={"description": "Minutes in"})
    out = ma.fields.Integer(validate=_BIG, metadata={"description": "Minutes out"})
    closing = ma.fields.Integer(validate=_BIG, metadata={"description": "Minutes at the month's end"})
    chain_seq = ma.fields.Integer(validate=_BIG, metadata={"description": "The community's last entry number at close"})
    chain_head = Text(validate=ma.validate.Length(max=64), metadata={"description": "That entry's hash (hex)"})
    signed_at = Text(validate=ma.validate.Length(max=40), metadata={"description": "When it was closed and signed, ISO 8601 with offset"})
    key_id = Text(validate=ma.validate.Length(max=64))
    signature = Text(validate=ma.validate.Length(max=128), metadata={"description": "Ed25519, base64url without padding"})


class VerifySchema(SignedFieldsSchema):
    compact = Text(validate=ma.validate.Length(max=2000), metadata={
        "description": "Instead of the fields: the compact form `LB1.<data>.<key id>.<signature>` (the QR code's text)"})


class StatementReasonSchema(Schema):
    code = ma.fields.String(metadata={"description": "malformed, unknown_key, wrong_community, bad_signature, "
                                                     "outside_validity or sums_differ"})
    message = ma.fields.String()


class VerdictSchema(Schema):
    valid = ma.fields.Boolean()
    reasons = ma.fields.List(ma.fields.Nested(StatementReasonSchema), metadata={"description": "Empty when valid"})
    key_id = ma.fields.String()
    community = ma.fields.String()
    community_name = ma.fields.String()
    period = ma.fields.String()
    closing = ma.fields.Integer()
    digest = ma.fields.String(metadata={"description": "SHA-256 of the canonical form (hex): the statement's identity"})


class SignedDocumentSchema(SignedFieldsSchema):
    pass


class SignedStatementSchema(Schema):
    statement_id = ma.fields.Integer()
    signed = ma.fields.Boolean()
    key_id = ma.fields.String(allow_none=True)
    signature_label = ma.fields.String(metadata={"description": "已签名 or 未签名"})
    document = ma.fields.Nested(SignedDocumentSchema, allow_none=True, metadata={
        "description": "The signed statement (null: closed before statements were signed)"})
    compact = ma.fields.String(allow_none=True, metadata={"description": "Its compact form, what the PDF's QR code holds"})
    valid = ma.fields.Boolean(metadata={"description": "This bank's own check of it, with its published keys"})
    verification_label = ma.fields.String(metadata={"description": "校验通过, 校验未通过, or why there is nothing to check"})
    reasons = ma.fields.List(ma.fields.Nested(StatementReasonSchema))
