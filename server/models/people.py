"""People: communities, households (储户), members and volunteer profiles (志愿者档案)."""

from peewee import (
    BooleanField,
    CharField,
    DateField,
    DateTimeField,
    ForeignKeyField,
    IntegerField,
    TextField,
)

from server import clock
from server.db import BaseModel
from server.models.enums import one_of

GENDERS = ("男", "女", "")  # "": not given
# A member's relation to the household's head (本人 is the head); a member who joined without one has "".
RELATIONS = ("本人", "配偶", "父亲", "母亲", "儿子", "女儿", "儿媳", "女婿", "孙子", "孙女", "外孙", "外孙女", "兄弟姐妹", "其他")
MEMBER_RELATIONS = ("", *RELATIONS)
# A registration is an application (志愿者申请) until a coordinator of the community decides;
# only `active` volunteers claim, check in, self-report, sign up or are matched.
APPLICATION_STATUSES = ("pending", "rejected")
# What a coordinator sets on an approved volunteer (POST /volunteers/{id}/status).
VOLUNTEER_STATUSES = ("active", "retired", "suspended")
ALL_VOLUNTEER_STATUSES = APPLICATION_STATUSES + VOLUNTEER_STATUSES
RETIRE_REASONS = ("age", "illness", "other")
# 兜底对象: why a coordinator marked a member a hardship case (失独、孤寡、残疾、重病); such a member may
# redeem the household's hours whatever their age.
HARDSHIP_REASONS = ("失独", "孤寡", "残疾", "重病")
# Availability is a bitmask so matching can filter it in SQL: bit (weekday*3 + slot),
# weekday 0 = Monday … 6 = Sunday, slot 0 = morning, 1 = afternoon, 2 = evening.
SLOTS = ("morning", "afternoon", "evening")


class Community(BaseModel):
    """One neighbourhood (小区/社区); every record belongs to one."""

    name = CharField(max_length=64, unique=True)
    code = CharField(max_length=16, unique=True)
    district = CharField(max_length=64, default="")
    created_at = DateTimeField(default=clock.now)


class Household(BaseModel):
    """The account holder: a family (以家庭为单位开户). Members join with the invite code.

    Closed (`closed_at`) when its last member is erased: its balance went to the love pool
    and nobody may join it again.
    """

    community = ForeignKeyField(Community, backref="households", on_delete="RESTRICT")
    name = CharField(max_length=64)
    building = CharField(max_length=16, default="")
    unit = CharField(max_length=16, default="")
    room = CharField(max_length=16, default="")
    area = CharField(max_length=32, default="")
    invite_code = CharField(max_length=12, unique=True)
    opened_at = DateTimeField(default=clock.now)
    closed_at = DateTimeField(null=True)


class Member(BaseModel):
    """A person. Logs in with WeChat (openid) or, in development, a demo handle.

    A member without a phone (no openid) is looked after by family or a coordinator
    (亲情代理). Sensitive fields are kept only with their consent timestamp set.
    """

    community = ForeignKeyField(Community, null=True, backref="members", on_delete="RESTRICT")
    household = ForeignKeyField(Household, null=True, backref="members", on_delete="RESTRICT")
    openid = CharField(max_length=64, null=True, unique=True)
    handle = CharField(max_length=32, null=True, unique=True)
    name = CharField(max_length=32, default="")
    gender = CharField(max_length=4, default="", constraints=one_of("gender", GENDERS))
    birth_date = DateField(null=True)
    phone = CharField(max_length=20, default="")
    relation = CharField(max_length=16, default="", constraints=one_of("relation", MEMBER_RELATIONS))
    is_head = BooleanField(default=False)
    roles = CharField(max_length=64, default="")
    health_needs = TextField(null=True)
    consent_health_at = DateTimeField(null=True)
    privacy_agreed_at = DateTimeField(null=True)
    token_version = IntegerField(default=0)
    erased_at = DateTimeField(null=True)
    created_at = DateTimeField(default=clock.now)

    @property
    def role_set(self) -> set[str]:
        return set(filter(None, self.roles.split(",")))

    def has_role(self, role: str) -> bool:
        return role in self.role_set


class Volunteer(BaseModel):
    """A member's volunteer profile; `volunteer_no` (志愿者编号) is the public identifier.

    Name, gender, birth date and phone live on the member (one place to correct or
    erase them); this holds what only volunteers have.
    """

    member = ForeignKeyField(Member, unique=True, backref="volunteer_profiles", on_delete="RESTRICT")
    community = ForeignKeyField(Community, backref="volunteers", on_delete="RESTRICT")
    volunteer_no = CharField(max_length=24, unique=True)
    occupation = CharField(max_length=32, default="")
    political_status = CharField(max_length=16, null=True)
    consent_political_at = DateTimeField(null=True)
    specialties = TextField(default="")
    availability_mask = IntegerField(default=0)
    status = CharField(max_length=12, default="pending", constraints=one_of("status", ALL_VOLUNTEER_STATUSES))
    retired_reason = CharField(max_length=12, null=True, constraints=one_of("retired_reason", RETIRE_REASONS))
    status_note = CharField(max_length=200, default="")
    status_changed_at = DateTimeField(null=True)
    public_name = BooleanField(default=False)  # opted in: public notices show the full name
    registered_at = DateTimeField(default=clock.now)
    # 志愿者审核: who approved or rejected the application, and when (NULL for volunteers
    # enrolled before applications existed). A rejection's reason is the status note.
    reviewed_by = ForeignKeyField(Member, null=True, backref="volunteers_reviewed", on_delete="RESTRICT", index=False)
    reviewed_at = DateTimeField(null=True)
    # The household's building and area (楼号、片区), copied here and kept in step with it
    # (people.place_volunteers) so matching reads a task's neighbours first, through an index,
    # instead of joining member and household for every volunteer of the community.
    building = CharField(max_length=16, default="")
    area = CharField(max_length=32, default="")

    class Meta:
        indexes = ((("community", "status"), False),)


# Matching reads a task's building, then its area, among active volunteers free in the task's window: with
# status, availability and member in the index, those it skips are skipped without reading their rows. The id
# (its fit is probed by it) makes the read index-only on PostgreSQL too (SQLite's indexes carry the rowid).
Volunteer.add_index(Volunteer.index(Volunteer.community, Volunteer.building, Volunteer.status,
                                    Volunteer.availability_mask, Volunteer.member, Volunteer.id,
                                    name="volunteer_matching_building"))
Volunteer.add_index(Volunteer.index(Volunteer.community, Volunteer.area, Volunteer.status, Volunteer.availability_mask,
                                    Volunteer.building, Volunteer.member, Volunteer.id, name="volunteer_matching_area"))


class HardshipPeriod(BaseModel):
    """A time a member was a hardship case (兜底对象): who marked it and when, who ended it and when.

    History is kept: ending a period sets `ended_at`, and marking again starts a new row. At most
    one period per member is open (a partial unique index), so "is a hardship case" is one lookup.
    """

    member = ForeignKeyField(Member, backref="hardship_periods", on_delete="RESTRICT")
    community = ForeignKeyField(Community, backref="hardship_periods", on_delete="RESTRICT", index=False)
    reason = CharField(max_length=8, constraints=one_of("reason", HARDSHIP_REASONS))
    note = CharField(max_length=200, default="")
    started_at = DateTimeField(default=clock.now)
    started_by = ForeignKeyField(Member, backref="hardship_marked", on_delete="RESTRICT", index=False)
    ended_at = DateTimeField(null=True)
    ended_by = ForeignKeyField(Member, null=True, backref="hardship_ended", on_delete="RESTRICT", index=False)


HardshipPeriod.add_index(HardshipPeriod.index(HardshipPeriod.member, unique=True,
                                              where=HardshipPeriod.ended_at.is_null(),
                                              name="hardship_period_open"))
