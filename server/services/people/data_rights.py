"""A resident's rights over their data (PIPL; docs/decisions.md): export everything, or be erased.

Export is one JSON document of named sections; erasure replaces personal fields and
keeps the ledger whole. Areas that hold more about a person register with
`@export_section(key)` and `@on_erase` (the task board: requests, agreements …), so
both stay complete as the product grows.

Erasure, in one transaction: the member's name becomes 已注销用户; phone, birth date,
gender, relation, health needs, political status, consents, openid and handle are
cleared; `token_version` moves on so every token dies; the inbox and consent credits
go. Snapshots that printed the name — transfer details and reasons (the passbook),
service records' witness names and texts, statements, certificates, other members'
inbox texts, audit notes, objections and delivered outbox payloads — have it replaced.
The household's invite code dies (the erased member knew it). A household left with no
one is closed: it loses its name and address, nobody may join it, and its balance moves
to the community's love pool in a transfer of its own (`household_closed`, once); its
entries stay. Free text is only rewritten for names of two characters or more:
a one-character name would rewrite that character everywhere.
"""

import datetime as dt
import json
from collections.abc import Callable

from peewee import OP, Expression, Model, Value, fn

from server import clock
from server.db import database
from server.models import (
    AuditVisit,
    Certificate,
    Household,
    Member,
    Notification,
    Objection,
    OutboxMessage,
    ServiceRecord,
    SmsConsent,
    SmsMessage,
    StarAward,
    Statement,
    SubscriptionCredit,
    Transfer,
    Volunteer,
    VolunteerIntention,
    VolunteerTeam,
)
from server.services.board.record_views import record_view
from server.services.ledger import ledger_ops, passbook
from server.services.people import core as people
from server.services.people import privacy, volunteers

ERASED_NAME = privacy.ERASED_NAME
ERASED_HOUSEHOLD = "已注销家庭"

EXPORT_SECTIONS: dict[str, Callable[[Member], object]] = {}
ERASE_HOOKS: list[Callable[[Member, list[str]], None]] = []


def export_section(key: str):
    def register(func):
        EXPORT_SECTIONS[key] = func
        return func

    return register


def on_erase(hook):
    """`hook(member, old_names)` runs inside the erasure's transaction, after the member row is cleared."""
    if hook not in ERASE_HOOKS:
        ERASE_HOOKS.append(hook)
    return hook


def register() -> None:
    """This module's own export sections, first in the export (server/hooks.py calls it before the other areas)."""
    for key, build in (
        ("profile", _profile),
        ("consents", _consents),
        ("volunteer", _volunteer),
        ("household", _household),
        ("records_served", _served),
        ("records_witnessed", _witnessed),
        ("records_received", _received),
        ("passbook", _passbook),
        ("notifications", _notifications),
        ("star_awards", _awards),
        ("objections", _objections),
        ("audit_visits", _visits),
    ):
        export_section(key)(build)


# --- export --------------------------------------------------------------------------


def export(member: Member) -> dict:
    return {"exported_at": clock.now(), "member_id": member.id,
            **{key: build(member) for key, build in EXPORT_SECTIONS.items()}}


def export_json(member: Member) -> bytes:
    def default(value):
        if isinstance(value, dt.datetime):
            return clock.aware(value).isoformat()
        if isinstance(value, dt.date):
            return value.isoformat()
        raise TypeError(type(value).__name__)

    return json.dumps(export(member), ensure_ascii=False, indent=2, default=default).encode("utf-8")


def _profile(member):
    return people.member_view(member, member)


def _consents(member):
    volunteer = Volunteer.get_or_none(Volunteer.member == member.id)
    return {
        "privacy_agreed_at": member.privacy_agreed_at, "health_consented_at": member.consent_health_at,
        "political_status_consented_at": volunteer.consent_political_at if volunteer else None,
        "name_in_public_notices": bool(volunteer and volunteer.public_name),
        "subscription_credits": {c.template_key: c.credits for c in
                                 SubscriptionCredit.select().where(SubscriptionCredit.member == member.id)},
        "sms": [{"phone": c.phone, "via": c.via, "form_ref": c.form_ref, "consented_at": c.consented_at,
                 "withdrawn_at": c.withdrawn_at} for c in SmsConsent.select().where(SmsConsent.member == member.id)
                .order_by(SmsConsent.id)],
    }


def _volunteer(member):
    volunteer = Volunteer.get_or_none(Volunteer.member == member.id)
    return None if volunteer is None else volunteers.volunteer_view(volunteer, member)


def _household(member):
    return None if member.household_id is None else people.household_view(member.household, member)


def _records(condition) -> list[dict]:
    return [record_view(r) for r in ServiceRecord.select().where(condition).order_by(ServiceRecord.id)]


def _served(member):
    return _records(ServiceRecord.volunteer == member.id)


def _witnessed(member):
    return _records((ServiceRecord.witness == member.id) | (ServiceRecord.confirmed_by == member.id))


def _received(member):
    return _records(ServiceRecord.recipient == member.id)


def _passbook(member):
    return [] if member.household_id is None else passbook.every_line(member.household)


def _notifications(member):
    return [{"title": n.title, "body": n.body, "created_at": n.created_at, "read_at": n.read_at}
            for n in Notification.select().where(Notification.recipient == member.id).order_by(Notification.id)]


def _awards(member):
    rows = []
    for award in StarAward.select().where(StarAward.member == member.id).order_by(StarAward.id):
        certificate = Certificate.get_or_none(Certificate.award == award.id)
        rows.append({"year": award.year, "stars": award.stars, "minutes": award.minutes, "status": award.status,
                     "applied_at": award.applied_at, "certificate_serial": certificate.serial if certificate else None})
    return rows


def _objections(member):
    return [{"notice_id": o.notice_id, "award_id": o.award_id, "reason": o.reason, "status": o.status,
             "created_at": o.created_at, "resolution": o.resolution}
            for o in Objection.select().where(Objection.objector == member.id).order_by(Objection.id)]


def _visits(member):
    return [{"record_id": v.record_id, "method": v.method, "status": v.status, "notes": v.notes,
             "outcome_at": v.outcome_at}
            for v in AuditVisit.select().where(AuditVisit.recipient == member.id).order_by(AuditVisit.id)]


# --- erasure -------------------------------------------------------------------------


def scrub_text(text, names: list[str]):
    """Replace every name (two characters or more) in strings, lists and dicts."""
    if isinstance(text, str):
        for name in names:
            if len(name) >= 2:
                text = text.replace(name, ERASED_NAME)
        return text
    if isinstance(text, list):
        return [scrub_text(item, names) for item in text]
    if isinstance(text, dict):
        return {key: scrub_text(value, names) for key, value in text.items()}
    return text


def _mentions(field, text: str):
    """`field` contains `text`, for JSON columns too (contains() would JSON-encode the pattern)."""
    return Expression(field, OP.ILIKE, Value(f"%{text}%", converter=lambda value: value))


def _scrub_rows(model: type[Model], fields, names: list[str], scope=None) -> int:
    """Rewrite `fields` of the rows whose text mentions a name (found with LIKE, replaced in Python)."""
    wanted = [name for name in names if len(name) >= 2]
    if not wanted:
        return 0
    mentions = None
    for field in fields:
        for name in wanted:
            clause = _mentions(field, name)
            mentions = clause if mentions is None else mentions | clause
    query = model.select().where(mentions)
    if scope is not None:
        query = query.where(scope)
    changed = 0
    for row in query:
        updates = {f.name: scrub_text(getattr(row, f.name), wanted) for f in fields}
        if any(updates[key] != getattr(row, key) for key in updates):
            model.update(**updates).where(model.id == row.id).execute()
            changed += 1
    return changed


def erase(member: Member) -> Member:
    """Erase a member's personal data; the ledger and the records stay consistent. Twice is once."""
    if member.erased_at is not None:
        return member
    names = [member.name]
    household = member.household if member.household_id else None
    with database.atomic():
        Member.update(name=ERASED_NAME, phone="", birth_date=None, gender="", relation="", health_needs=None,
                      consent_health_at=None, privacy_agreed_at=None, openid=None, handle=None, erased_at=clock.now(),
                      token_version=Member.token_version + 1).where(Member.id == member.id).execute()
        volunteer = Volunteer.get_or_none(Volunteer.member == member.id)
        if volunteer is not None:
            Volunteer.update(political_status=None, consent_political_at=None, occupation="", specialties="",
                             availability_mask=0, public_name=False, status="suspended", status_note="本人已注销",
                             status_changed_at=clock.now()).where(Volunteer.id == volunteer.id).execute()
            VolunteerTeam.delete().where(VolunteerTeam.volunteer == volunteer.id).execute()
            VolunteerIntention.delete().where(VolunteerIntention.volunteer == volunteer.id).execute()
        Notification.delete().where(Notification.recipient == member.id).execute()
        SubscriptionCredit.delete().where(SubscriptionCredit.member == member.id).execute()
        # Texts and their phone numbers go; the consents stay as dates (withdrawn now), without the number.
        SmsMessage.delete().where(SmsMessage.member == member.id).execute()
        SmsConsent.update(phone="", withdrawn_at=fn.COALESCE(SmsConsent.withdrawn_at, clock.now())).where(
            SmsConsent.member == member.id).execute()
        if household is not None:
            _leave_household(household.id, names)
        _scrub_snapshots(member, names)
        for hook in ERASE_HOOKS:
            hook(member, names)
    return Member.get_by_id(member.id)


def _leave_household(household_id: int, names: list[str]) -> None:
    """The erased member knew the invite code: it dies. A household left with nobody closes: its name
    and address go, its balance moves to the love pool (the passbook says why) and nobody may join it."""
    household = people.lock_household(household_id)
    if household.closed_at is not None:
        return
    if Member.select().where(Member.household == household_id, Member.erased_at.is_null()).exists():
        Household.update(invite_code=people.new_invite_code()).where(Household.id == household_id).execute()
        return
    names.append(household.name)
    Household.update(name=ERASED_HOUSEHOLD, building="", unit="", room="", area="", invite_code=people.new_invite_code(),
                     closed_at=clock.now()).where(Household.id == household_id).execute()
    people.place_volunteers(household_id)
    ledger_ops.close_account(household)


def _scrub_snapshots(member: Member, names: list[str]) -> None:
    community = member.community_id
    for transfer in Transfer.select().where(_mentions(Transfer.details, f'"served_by_id": {member.id}')):
        if transfer.details.get("served_by_id") == member.id:
            details = {**transfer.details, "served_by": ERASED_NAME}
            Transfer.update(details=details).where(Transfer.id == transfer.id).execute()
    # every community: a gift between relatives' households is booked in the giver's community
    _scrub_rows(Transfer, [Transfer.details, Transfer.reason], names)
    ServiceRecord.update(witness_name=ERASED_NAME, witness_phone="").where(ServiceRecord.witness == member.id).execute()
    _scrub_rows(ServiceRecord, [ServiceRecord.content, ServiceRecord.comment, ServiceRecord.dispute_reason,
                                ServiceRecord.reject_reason, ServiceRecord.place], names,
                ServiceRecord.community == community)
    for statement in Statement.select().where(_mentions(Statement.per_member, f'"member_id": {member.id},')):
        per_member = [{**row, "name": ERASED_NAME} if row["member_id"] == member.id else row
                      for row in statement.per_member]
        Statement.update(per_member=per_member).where(Statement.id == statement.id).execute()
    Certificate.update(name=ERASED_NAME).where(Certificate.member == member.id).execute()
    _scrub_rows(Notification, [Notification.title, Notification.body, Notification.data], names,
                Notification.community == community)
    _scrub_rows(AuditVisit, [AuditVisit.notes, AuditVisit.reversal_note], names, AuditVisit.community == community)
    _scrub_rows(Objection, [Objection.reason, Objection.resolution], names, Objection.community == community)
    _scrub_rows(OutboxMessage, [OutboxMessage.payload], names, OutboxMessage.done_at.is_null(False))

