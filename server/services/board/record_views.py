"""How a service record reads in the API: one joined query for its names, status in words."""

from peewee import JOIN

from server.db import Prepared
from server.models import Member, Provider, ServiceCategory, ServiceItem, ServiceRecord
from server.ready import ready
from server.services.board import catalog, code_cards
from server.services.board.records import OPEN_FOR_CONFIRMATION, status_label

_ROLES = ("volunteer", "recipient", "recorder", "confirmed_by", "confirmed_for")


def _select(ids_condition):
    people = {role: Member.alias(role) for role in _ROLES}
    query = ServiceRecord.select(
        ServiceRecord, ServiceCategory.name.alias("category_name"), ServiceItem.name.alias("item_name"),
        *[people[role].name.alias(f"{role}_name") for role in _ROLES], Provider.name.alias("provider_name"),
    ).join(ServiceCategory, on=(ServiceRecord.category == ServiceCategory.id))
    query = query.join_from(ServiceRecord, Provider, join_type=JOIN.LEFT_OUTER,
                            on=(ServiceRecord.provider == Provider.id))
    query = query.join_from(ServiceRecord, ServiceItem, join_type=JOIN.LEFT_OUTER, on=(ServiceRecord.item == ServiceItem.id))
    for role in _ROLES:
        alias = people[role]
        query = query.join_from(ServiceRecord, alias, join_type=JOIN.LEFT_OUTER,
                                on=(getattr(ServiceRecord, role) == alias.id))
    return query.where(ids_condition).dicts()


_ONE = Prepared(lambda record_id: _select(ServiceRecord.id == record_id))


def _view(row: dict) -> dict:
    return {
        "id": row["id"],
        "status": row["status"],
        "status_label": status_label(row["status"]),
        "source": row["source"],
        "category_name": row["category_name"],
        "item_name": row["item_name"],
        "place": row["place"],
        "started_at": row["started_at"],
        "ended_at": row["ended_at"],
        "duration_minutes": row["duration_minutes"],
        "credited_minutes": row["credited_minutes"],
        "content": row["content"],
        "volunteer_id": row["volunteer"],
        "volunteer_name": row["volunteer_name"],
        "provider_id": row["provider"],
        "provider_name": row["provider_name"],
        "witness_id": row["witness"],
        "witness_name": row["witness_name"],
        "recipient_name": row["recipient_name"],
        "public_good": row["public_good"],
        "needs_approval": row["needs_approval"],
        "rating": row["rating"],
        "comment": row["comment"],
        "organiser": row["organiser"],
        "recorder_name": row["recorder_name"],
        "confirmed_by_name": row["confirmed_by_name"],
        "confirmed_for_name": row["confirmed_for_name"],
        "confirmed_at": row["confirmed_at"],
        "confirmed_via": row["confirmed_via"],
        "dispute_reason": row["dispute_reason"],
        "reject_reason": row["reject_reason"],
        "transfer_id": row["transfer"],
        "created_at": row["created_at"],
    }


_FIELDS = tuple(ServiceRecord._meta.fields)
_NAMES = Prepared(lambda *member_ids: Member.select(Member.id, Member.name).where(Member.id.in_(list(member_ids))))


def _row_of(record: ServiceRecord) -> dict:
    """The joined row for a record the caller holds as it now is in the database (loaded in
    this request, or just written by a service): its values, the menu's names, and people's names
    the service noted or one query finds."""
    data = record.__data__
    row = {name: data.get(name) for name in _FIELDS}  # a foreign key by its name, holding the id
    member_ids = [row[role] for role in _ROLES]
    names = dict(getattr(record, "known_names", {}))  # whom the service had in hand (records._know_names)
    missing = [member_id for member_id in member_ids if member_id is not None and member_id not in names]
    if missing:
        names.update(_NAMES.tuples(*missing, *[None] * (len(_ROLES) - len(missing))))
    row["category_name"] = catalog.category_name(row["category"])
    row["item_name"] = catalog.item_name(row["item"]) if row["item"] is not None else None
    for role, member_id in zip(_ROLES, member_ids, strict=True):
        row[f"{role}_name"] = names.get(member_id)
    row["provider_name"] = (Provider.select(Provider.name).where(Provider.id == row["provider"]).scalar()
                            if row["provider"] is not None else None)
    return row


def record_values(record: ServiceRecord | int) -> dict:
    """The record's answer, values as stored: read by id, or from the instance a service returned."""
    view = _view(_ONE.first(record)) if isinstance(record, int) else _view(_row_of(record))
    return _with_code_cards([view])[0]


def _with_code_cards(views: list[dict]) -> list[dict]:
    """`code_card`: a record waiting for a witness whose household holds a code card (the volunteer may enter a code)."""
    waiting = [view["id"] for view in views if view["status"] in OPEN_FOR_CONFIRMATION]
    carded = code_cards.records_with_card(waiting)
    for view in views:
        view["code_card"] = view["id"] in carded
    return views


def record_view(record: ServiceRecord | int) -> dict:
    """`record_values`, JSON-ready for RecordSchema."""
    return ready(record_values(record))


def record_views(records) -> list[dict]:
    ids = [r.id for r in records]
    if not ids:
        return []
    rows = {row["id"]: row for row in _select(ServiceRecord.id.in_(ids))}
    return [ready(view) for view in _with_code_cards([_view(rows[i]) for i in ids])]
