"""公告与星级评定: public notices, proposed star awards, residents' objections, certificates.

A quarterly notice tells residents what volunteers did (names masked unless a
volunteer opted in) and lists the star awards proposed; residents may object during
the notice's window. An award is approved only after that window, with no objection
open, and then gets a certificate whose serial anyone can verify.
"""

from peewee import CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from server import clock
from server.db import BaseModel, JSONField
from server.models.enums import one_of
from server.models.people import Community, Member, Volunteer

NOTICE_KINDS = ("quarterly", "awards")
AWARD_STATUSES = ("proposed", "approved", "rejected", "superseded")
OBJECTION_STATUSES = ("open", "upheld", "dismissed")


class Notice(BaseModel):
    """公告: published at once; `content` keeps member ids and minutes, names are shown as allowed when read."""

    community = ForeignKeyField(Community, backref="notices", on_delete="RESTRICT")
    kind = CharField(max_length=12, constraints=one_of("kind", NOTICE_KINDS))
    year = IntegerField()
    quarter = IntegerField(null=True)  # quarterly notices; an awards-only notice has none
    title = CharField(max_length=64)
    period_start = DateField()
    period_end = DateField()  # exclusive
    content = JSONField(default=dict)
    published_at = DateTimeField(default=clock.now)
    objection_until = DateTimeField()
    created_by = ForeignKeyField(Member, null=True, backref="notices_published", on_delete="RESTRICT")

    class Meta:
        indexes = ((("community", "kind", "year", "quarter"), True), (("community", "published_at"), False))


class StarAward(BaseModel):
    """One star level for one volunteer for one year of hours; one row per (member, year, stars)."""

    community = ForeignKeyField(Community, backref="star_awards", on_delete="RESTRICT")
    member = ForeignKeyField(Member, backref="star_awards", on_delete="RESTRICT")
    volunteer = ForeignKeyField(Volunteer, backref="star_awards", on_delete="RESTRICT")
    year = IntegerField()  # the year the period ends in
    period_start = DateField()
    period_end = DateField()  # exclusive
    stars = IntegerField()
    minutes = IntegerField()  # the hours that earned it, when last assessed
    status = CharField(max_length=12, default="proposed", constraints=one_of("status", AWARD_STATUSES))
    applied_at = DateTimeField(null=True)  # the volunteer applied (申请评定)
    notice = ForeignKeyField(Notice, null=True, backref="awards", on_delete="RESTRICT")
    decided_by = ForeignKeyField(Member, null=True, backref="star_awards_decided", on_delete="RESTRICT")
    decided_at = DateTimeField(null=True)
    decision_note = TextField(default="")
    created_at = DateTimeField(default=clock.now)

    class Meta:
        indexes = ((("member", "year", "stars"), True), (("community", "status"), False))


class Objection(BaseModel):
    """A resident's objection to a proposed award while its notice is open."""

    community = ForeignKeyField(Community, backref="objections", on_delete="RESTRICT")
    notice = ForeignKeyField(Notice, backref="objections", on_delete="RESTRICT")
    award = ForeignKeyField(StarAward, backref="objections", on_delete="RESTRICT")
    objector = ForeignKeyField(Member, backref="objections_made", on_delete="RESTRICT")
    reason = TextField()
    status = CharField(max_length=10, default="open", constraints=one_of("status", OBJECTION_STATUSES))
    created_at = DateTimeField(default=clock.now)
    resolved_by = ForeignKeyField(Member, null=True, backref="objections_resolved", on_delete="RESTRICT")
    resolved_at = DateTimeField(null=True)
    resolution = TextField(default="")

    class Meta:
        indexes = ((("award", "objector"), True), (("award", "status"), False))


class Certificate(BaseModel):
    """星级证书: what the paper shows, kept as issued; `serial` is unguessable and public."""

    award = ForeignKeyField(StarAward, unique=True, backref="certificates", on_delete="RESTRICT")
    community = ForeignKeyField(Community, backref="certificates", on_delete="RESTRICT")
    member = ForeignKeyField(Member, backref="certificates", on_delete="RESTRICT")
    serial = CharField(max_length=32, unique=True)
    name = CharField(max_length=32)
    volunteer_no = CharField(max_length=24)
    stars = IntegerField()
    minutes = IntegerField()
    year = IntegerField()
    period_start = DateField()
    period_end = DateField()  # exclusive
    community_name = CharField(max_length=64)
    issuer = CharField(max_length=64)
    issued_on = DateField()
    issued_by = ForeignKeyField(Member, null=True, backref="certificates_issued", on_delete="RESTRICT")
    created_at = DateTimeField(default=clock.now)
