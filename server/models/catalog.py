"""The service menu (8 categories and their items) and the volunteer teams (服务队)."""

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from server import clock
from server.db import BaseModel
from server.models.people import Community, Volunteer


class ServiceCategory(BaseModel):
    code = CharField(max_length=32, unique=True)
    name = CharField(max_length=32)
    description = TextField(default="")
    sort_order = IntegerField(default=0)


class ServiceItem(BaseModel):
    category = ForeignKeyField(ServiceCategory, backref="items", on_delete="RESTRICT")
    code = CharField(max_length=48, unique=True)
    name = CharField(max_length=32)
    sort_order = IntegerField(default=0)
    active = BooleanField(default=True)


class Team(BaseModel):
    """A volunteer team. The six seeded teams have no community: every community has them."""

    community = ForeignKeyField(Community, null=True, backref="teams", on_delete="RESTRICT")
    code = CharField(max_length=48, unique=True)
    name = CharField(max_length=32)
    description = TextField(default="")
    created_at = DateTimeField(default=clock.now)


class TeamCategory(BaseModel):
    """Which categories a team serves: a team member fits those tasks in matching."""

    team = ForeignKeyField(Team, backref="category_links", on_delete="CASCADE")
    category = ForeignKeyField(ServiceCategory, backref="team_links", on_delete="CASCADE")

    class Meta:
        indexes = ((("team", "category"), True),)


class VolunteerTeam(BaseModel):
    volunteer = ForeignKeyField(Volunteer, backref="team_links", on_delete="CASCADE")
    team = ForeignKeyField(Team, backref="volunteer_links", on_delete="CASCADE")
    joined_at = DateTimeField(default=clock.now)

    class Meta:
        # (team, volunteer) covers matching's walk over a team's members without the table.
        indexes = ((("volunteer", "team"), True), (("team", "volunteer"), False))


class VolunteerIntention(BaseModel):
    """服务意向: the categories a volunteer wants to serve in (filtered in SQL by matching)."""

    volunteer = ForeignKeyField(Volunteer, backref="intentions", on_delete="CASCADE")
    category = ForeignKeyField(ServiceCategory, backref="volunteer_links", on_delete="CASCADE")

    class Meta:
        # (category, volunteer) covers matching's walk over a category's volunteers without the table.
        indexes = ((("volunteer", "category"), True), (("category", "volunteer"), False))


class Provider(BaseModel):
    """A contracted service provider (签约服务机构): a home-care company or social organisation the community
    contracts with, paid outside Love Bank. It can be assigned a payback task when no volunteer comes; its
    service spends the household's hours and credits no one. Love Bank never records a price."""

    community = ForeignKeyField(Community, backref="providers", on_delete="RESTRICT")
    name = CharField(max_length=64)
    contact_name = CharField(max_length=32, default="")
    phone = CharField(max_length=20, default="")
    active = BooleanField(default=True)
    created_at = DateTimeField(default=clock.now)

    class Meta:
        indexes = ((("community", "name"), True),)


class ProviderCategory(BaseModel):
    """Which service categories a provider serves."""

    provider = ForeignKeyField(Provider, backref="category_links", on_delete="CASCADE")
    category = ForeignKeyField(ServiceCategory, backref="provider_links", on_delete="CASCADE")

    class Meta:
        indexes = ((("provider", "category"), True),)
