"""The hours ledger's tables: accounts, transfers, entries, the hash chain and statements.

See `server.services.ledger.core` for the design overview and the invariants. What the
database itself enforces (migration 0002): entries can be neither updated nor deleted;
a transfer's identity (key, code, minutes, community, creation) cannot change and no
transfer can be deleted; no household entry may be dated inside a closed month; a
transfer is reversed at most once (UNIQUE reverses); one transfer per idempotency key.
"""

from peewee import (
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from server import clock
from server.db import BaseModel, JSONField
from server.models.enums import one_of
from server.models.people import RELATIONS, Community, Household, Member

ACCOUNT_KINDS = ("household", "issuance", "love_pool", "clearing")
TRANSFER_STATES = ("pending", "posted", "voided")


class Account(BaseModel):
    """One per household; each community has `issuance`, `love_pool` and `clearing` system accounts.

    `clearing` (清算) carries the hours that cross to and from other communities: its balance is the
    community's net position towards its network (positive: the network owes it hours).

    `posted_minutes` and `pending_minutes` are caches of the entries and of the pending
    holds: the verifier recomputes both. A household's available minutes are
    posted − pending and never go below zero.
    """

    key = CharField(max_length=48, unique=True)  # household:<id> | issuance:<c> | love_pool:<c> | clearing:<c>
    community = ForeignKeyField(Community, backref="accounts", on_delete="RESTRICT")
    household = ForeignKeyField(Household, null=True, unique=True, backref="accounts", on_delete="RESTRICT")
    kind = CharField(max_length=12, constraints=one_of("kind", ACCOUNT_KINDS))
    posted_minutes = IntegerField(default=0)
    pending_minutes = IntegerField(default=0)
    opened_at = DateTimeField(default=clock.now)


class Transfer(BaseModel):
    """Why hours moved (`code`), once per idempotency key; pending holds resolve at most once."""

    community = ForeignKeyField(Community, backref="transfers", on_delete="RESTRICT", index=False)
    # A movement between two communities: the other one (its legs are on its own chain). The transfer is
    # scoped to both: both stations see, verify, close and may reverse it. NULL for a one-community transfer.
    counter_community = ForeignKeyField(Community, null=True, backref="transfers_in", on_delete="RESTRICT", index=False)
    code = CharField(max_length=24)
    state = CharField(max_length=8, default="posted", constraints=one_of("state", TRANSFER_STATES))
    idempotency_key = CharField(max_length=128, unique=True)
    body_hash = CharField(max_length=64)
    minutes = IntegerField()  # the amount moved (or held), always positive
    posted_minutes = IntegerField(null=True)  # for a posted hold: the part actually spent
    # Both indexed below for the rows that have one only (holds, reversals): most transfers are
    # credits, and an index entry for their NULL would cost a page write on every credit.
    hold_account = ForeignKeyField(Account, null=True, backref="holds", on_delete="RESTRICT", index=False)
    reverses = ForeignKeyField("self", null=True, backref="reversals", on_delete="RESTRICT", index=False)
    record_id = IntegerField(null=True)  # the service record a credit pays for (found from the record's transfer_id)
    reason = TextField(default="")
    details = JSONField(default=dict)  # what the passbook prints: place, content, witness ...
    actor = ForeignKeyField(Member, null=True, backref="transfers_made", on_delete="RESTRICT", index=False)
    on_behalf_of = ForeignKeyField(Member, null=True, backref="transfers_for", on_delete="RESTRICT", index=False)
    effective_date = DateField()
    created_at = DateTimeField(default=clock.now)
    resolved_at = DateTimeField(null=True)


Transfer.add_index(Transfer.index(Transfer.hold_account, Transfer.state, where=Transfer.hold_account.is_null(False)))
Transfer.add_index(Transfer.index(Transfer.counter_community, where=Transfer.counter_community.is_null(False)))
# A community's transfers (verifying it, its audit, at a city's size: migration 0030).
Transfer.add_index(Transfer.index(Transfer.community))
# A transfer is reversed at most once.
Transfer.add_index(Transfer.index(Transfer.reverses, unique=True, where=Transfer.reverses.is_null(False)))


class Entry(BaseModel):
    """One leg of a posted transfer on one account: signed minutes and the balance after it.

    Append-only. `seq` numbers a community's entries 1, 2, 3 … and `hash` chains each to
    the previous one (`prev_hash`), so an edited or removed entry breaks the chain.
    """

    community = ForeignKeyField(Community, backref="entries", on_delete="RESTRICT", index=False)
    seq = IntegerField()
    account = ForeignKeyField(Account, backref="entries", on_delete="RESTRICT", index=False)
    transfer = ForeignKeyField(Transfer, backref="entries", on_delete="RESTRICT")
    minutes = IntegerField()
    balance_after = IntegerField()
    effective_date = DateField()
    created_at = DateTimeField(default=clock.now)
    prev_hash = CharField(max_length=64)
    hash = CharField(max_length=64)

    class Meta:
        # (account, effective_date): the monthly close reads a month's entries by date (migration 0032).
        indexes = ((("community", "seq"), True), (("account", "id"), False), (("account", "effective_date"), False))


class LedgerChain(BaseModel):
    """The head of a community's hash chain; locking it serialises the community's postings."""

    community = ForeignKeyField(Community, unique=True, backref="chain", on_delete="RESTRICT")
    last_seq = IntegerField(default=0)
    last_hash = CharField(max_length=64, default="0" * 64)


class Statement(BaseModel):
    """每月汇总登记: a household's closed month. Once it exists no entry may be dated inside it."""

    account = ForeignKeyField(Account, backref="statements", on_delete="RESTRICT")
    household = ForeignKeyField(Household, backref="statements", on_delete="RESTRICT")
    year = IntegerField()
    month = IntegerField()
    opening_minutes = IntegerField()
    minutes_in = IntegerField()
    minutes_out = IntegerField()
    closing_minutes = IntegerField()
    per_member = JSONField(default=list)  # [{member_id, name, minutes}] served that month
    closed_at = DateTimeField(default=clock.now)
    # Signed at close (docs/ledger.md, "Signed statements"): the community's chain head then, the
    # canonical form as signed (it keeps the community's name of that day), the signing key's id and
    # the Ed25519 signature. Empty: closed before statements were signed.
    chain_seq = IntegerField(default=0)
    chain_hash = CharField(max_length=64, default="")
    signed_form = TextField(default="")
    key_id = CharField(max_length=64, default="")
    signature = CharField(max_length=128, default="")

    class Meta:
        indexes = ((("account", "year", "month"), True), (("year", "month"), False))


class SigningKey(BaseModel):
    """A community's Ed25519 statement-signing key. The private half is stored encrypted (Fernet keyed by
    an HKDF of SECRET_KEY) and never leaves the server; a retired key stays published for verification.
    """

    community = ForeignKeyField(Community, backref="signing_keys", on_delete="RESTRICT", index=False)  # a few rows
    key_id = CharField(max_length=64, unique=True)  # <community code>-<yyyymmdd>-<8 hex of the public key's SHA-256>
    public_key = CharField(max_length=64)  # the raw 32 bytes, base64url without padding
    private_key = TextField()  # Fernet token of the raw 32 private bytes
    valid_from = DateTimeField()
    retired_at = DateTimeField(null=True)  # signs nothing after this; verifies what it signed before


# One key signs for a community at a time.
SigningKey.add_index(SigningKey.index(SigningKey.community, unique=True, where=SigningKey.retired_at.is_null(),
                                      name="signing_key_current"))


class MemberYear(BaseModel):
    """A volunteer's credited service minutes per year: passbook totals and stars read it."""

    member = ForeignKeyField(Member, backref="yearly_minutes", on_delete="RESTRICT", index=False)  # (member, year) serves
    year = IntegerField()
    minutes = IntegerField(default=0)

    class Meta:
        indexes = ((("member", "year"), True),)


class Kinship(BaseModel):
    """Two households of direct relatives, confirmed once by the asking household's coordinator, and — when the
    relative household lives in another community — accepted once by that household (or its station on its
    behalf): then gifts may flow."""

    household = ForeignKeyField(Household, backref="kinships", on_delete="RESTRICT")
    relative_household = ForeignKeyField(Household, backref="kinships_in", on_delete="RESTRICT")
    relation = CharField(max_length=16, constraints=one_of("relation", RELATIONS))
    requested_by = ForeignKeyField(Member, backref="kinships_requested", on_delete="RESTRICT")
    confirmed_by = ForeignKeyField(Member, null=True, backref="kinships_confirmed", on_delete="RESTRICT")
    confirmed_at = DateTimeField(null=True)
    relative_accepted_by = ForeignKeyField(Member, null=True, backref="kinships_accepted", on_delete="RESTRICT")
    relative_accepted_at = DateTimeField(null=True)
    created_at = DateTimeField(default=clock.now)

    class Meta:
        indexes = ((("household", "relative_household"), True),)
