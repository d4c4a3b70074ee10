"""Networks of communities (通存通兑): hours cross between member communities through their clearing accounts.

A community belongs to at most one network (UNIQUE community). Each member has a limit: the most
minutes its clearing balance (its net position) may reach either way. A month's settlement (the flows
between each pair of members and the positions at month end) is stored when the month closes.
"""

from peewee import CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from server import clock
from server.db import BaseModel, JSONField
from server.models.enums import one_of
from server.models.ledger import Transfer
from server.models.people import Community, Household, Member

NETWORK_KINDS = ("街道", "区", "市")
# A move (迁移) waits (`pending`) for the receiving community; then accepted, rejected or cancelled, once.
MOVE_STATUSES = ("pending", "accepted", "rejected", "cancelled")


class Network(BaseModel):
    """A 街道, a 区 or a city whose communities exchange hours."""

    name = CharField(max_length=64, unique=True)
    kind = CharField(max_length=8, constraints=one_of("kind", NETWORK_KINDS))
    created_by = ForeignKeyField(Member, null=True, backref="networks_created", on_delete="RESTRICT", index=False)
    created_at = DateTimeField(default=clock.now)


class NetworkMember(BaseModel):
    """A community in a network, with its limit (minutes it may owe the network, or be owed)."""

    network = ForeignKeyField(Network, backref="members", on_delete="RESTRICT")
    community = ForeignKeyField(Community, unique=True, backref="network_membership", on_delete="RESTRICT")
    limit_minutes = IntegerField()
    joined_at = DateTimeField(default=clock.now)


class NetworkSettlement(BaseModel):
    """A network's closed month: flows between each pair of communities and the positions at month end."""

    network = ForeignKeyField(Network, backref="settlements", on_delete="RESTRICT", index=False)
    year = IntegerField()
    month = IntegerField()
    flows = JSONField(default=list)  # [{from_community_id, to_community_id, minutes, transfers}]
    positions = JSONField(default=list)  # [{community_id, position_minutes, limit_minutes}]
    closed_at = DateTimeField(default=clock.now)

    class Meta:
        indexes = ((("network", "year", "month"), True),)


class Move(BaseModel):
    """迁移: a household asks to move to another community of its network; that community's coordinator
    accepts (its balance crosses through clearing, `move`) or rejects; the household may cancel while pending.
    """

    household = ForeignKeyField(Household, backref="moves", on_delete="RESTRICT")
    from_community = ForeignKeyField(Community, backref="moves_out", on_delete="RESTRICT", index=False)
    to_community = ForeignKeyField(Community, backref="moves_in", on_delete="RESTRICT", index=False)
    status = CharField(max_length=10, default="pending", constraints=one_of("status", MOVE_STATUSES))
    reason = TextField(default="")
    requested_by = ForeignKeyField(Member, backref="moves_requested", on_delete="RESTRICT", index=False)
    requested_at = DateTimeField(default=clock.now)
    decided_by = ForeignKeyField(Member, null=True, backref="moves_decided", on_delete="RESTRICT", index=False)
    decided_at = DateTimeField(null=True)
    decision_reason = TextField(default="")
    transfer = ForeignKeyField(Transfer, null=True, backref="moves", on_delete="RESTRICT", index=False)
    minutes = IntegerField(null=True)  # what crossed when accepted

    class Meta:
        indexes = ((("to_community", "status"), False), (("from_community", "status"), False))


# One move waits per household at a time.
Move.add_index(Move.index(Move.household, unique=True, where=Move.status == "pending", name="move_household_pending"))
