"""The in-app inbox, and `notify()`: how every area tells members something.

Other services call, inside the transaction that makes the change:

    notifications.notify([member.id, ...], f"task:{task.id}:offered", "task_offer", data)

`notify` writes outbox rows only (it never touches Redis), so the message exists if
and only if the change committed. After commit a worker (workers/jobs/notifications.py)
creates one inbox row per recipient — unique per (recipient, event key, template), so
however often the job runs there is one row — and hands the WeChat copies to
`wechat_delivery`. Recipients are batched (BATCH per job): a notice to a whole
community is a few jobs, not thousands.

The event key names what happened ("task:42:offered", "record:7:credited"); the same
key and template never reach the same member twice.
"""

import datetime as dt
import hashlib

from peewee import Case, Value

from server import clock
from server.db import database
from server.errors import NotFound
from server.keyset import Keyset
from server.models import Member, Notification
from server.services.messaging import message_format, outbox

KIND = "notification"
URGENT_KIND = "notification.urgent"
WECHAT_KIND = "notification.wechat"  # WeChat copies held back by quiet hours
BATCH = 200
MAX_EVENT_KEY = 120


def _jsonable(data: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, dt.date | dt.datetime) else v for k, v in data.items()}


def digest(ids) -> str:
    """A short stable name for a set of ids (outbox keys must be deterministic)."""
    return hashlib.sha1(",".join(map(str, sorted(ids))).encode()).hexdigest()[:16]


def notify(member_ids, event_key: str, template_key: str, data: dict, *, urgent: bool = False) -> int:
    """Tell members about an event; call inside the change's transaction. Returns how many.

    Urgent messages (payback help, escalations) use their own queue and ignore quiet
    hours. An unknown template or a value the template needs but `data` lacks raises
    here, in the caller's transaction, rather than later in a job.
    """
    batches = _batches(member_ids, event_key, template_key, data, urgent)
    for kind, key, payload in batches:
        outbox.emit(kind, key, payload)
    return sum(len(payload["member_ids"]) for _, _, payload in batches)


def notification_row(member_id: int, event_key: str, template_key: str, data: dict) -> list:
    """`notify` for one member, as the values of `outbox.emitting`: for a caller that writes the row in
    one of its own statements (a witness's confirmation on PostgreSQL), inside its transaction."""
    ((kind, key, payload),) = _batches([member_id], event_key, template_key, data, False)
    return outbox.emitted(kind, key, payload)


def _batches(member_ids, event_key: str, template_key: str, data: dict, urgent: bool) -> list[tuple]:
    """The outbox rows (kind, key, payload) telling these members, checked against the template."""
    if not event_key or len(event_key) > MAX_EVENT_KEY:
        raise ValueError(f"event_key must be 1..{MAX_EVENT_KEY} characters: {event_key!r}")
    data = _jsonable(data)
    message_format.check(template_key, data)
    ids = sorted({int(member_id) for member_id in member_ids})
    kind = URGENT_KIND if urgent else KIND
    return [(kind, f"{template_key}:{event_key}:{digest(chunk)}", {
        "member_ids": chunk, "event_key": event_key, "template_key": template_key, "data": data, "urgent": urgent,
    }) for chunk in (ids[start:start + BATCH] for start in range(0, len(ids), BATCH))]


def create_inbox_rows(payload: dict, initial_status) -> list[int]:
    """The delivery job's first step: one inbox row per recipient, whatever ran before.

    `initial_status(has_openid, template_key)` says whether a WeChat copy is wanted
    (`pending`) or why not (`skipped`, reason), for a member with an openid and for one
    without. Returns the ids of this batch's rows whose WeChat copy is still open.
    Members erased meanwhile get nothing.

    One INSERT … SELECT from the members (their community and whether they have an
    openid are read by it): a notification job is a few statements, and building one
    row per recipient in Python cost more than running them.
    """
    template_key, event_key = payload["template_key"], payload["event_key"]
    text = message_format.render(template_key, payload["data"])
    has_openid = Member.openid.is_null(False) & (Member.openid != "")
    status, note = ((Case(None, [(has_openid, reached)], unreached) if reached != unreached else Value(reached))
                    for reached, unreached in zip(initial_status(True, template_key),
                                                  initial_status(False, template_key), strict=True))
    recipients = Member.select(
        Member.id, Member.community, Value(event_key), Value(template_key), Value(text["title"]),
        Value(text["body"]), Value(text["link"]), Value(bool(payload["urgent"])),
        Value(Notification.data.db_value(payload["data"])), Value(clock.now()), status, note, Value(0),
    ).where(Member.id.in_(payload["member_ids"]), Member.erased_at.is_null())
    with database.atomic():
        Notification.insert_from(recipients, [
            Notification.recipient, Notification.community, Notification.event_key, Notification.template_key,
            Notification.title, Notification.body, Notification.link, Notification.urgent, Notification.data,
            Notification.created_at, Notification.wechat_status, Notification.wechat_note, Notification.attempts,
        ]).on_conflict_ignore().execute()
    return [
        row.id for row in Notification.select(Notification.id)
        .join(Member, on=(Notification.recipient == Member.id))
        .where(in_batch(payload), Member.erased_at.is_null(),
               Notification.wechat_status.in_(("pending", "deferred", "sending")))
    ]


def in_batch(payload: dict):
    """The condition naming one delivery batch's inbox rows (to find the copies WeChat could not carry)."""
    return (Notification.recipient.in_(payload["member_ids"]) & (Notification.event_key == payload["event_key"])
            & (Notification.template_key == payload["template_key"]))


# --- the inbox, for the API ---

INBOX_ORDER = Keyset(Notification.id, descending=True)  # newest first


def inbox(member: Member, *, unread_only: bool = False):
    """My notifications (a query: the API pages it newest first by id)."""
    query = Notification.select().where(Notification.recipient == member.id)
    if unread_only:
        query = query.where(Notification.read_at.is_null())
    return query.order_by(Notification.id.desc())


def unread_count(member: Member) -> int:
    return (
        Notification.select()
        .where(Notification.recipient == member.id, Notification.read_at.is_null())
        .count()
    )


def mark_read(member: Member, notification_id: int) -> Notification:
    """Mark one of my notifications read (reading it twice keeps the first time)."""
    with database.atomic():
        Notification.update(read_at=clock.now()).where(
            Notification.id == notification_id, Notification.recipient == member.id,
            Notification.read_at.is_null(),
        ).execute()
        found = Notification.get_or_none(Notification.id == notification_id, Notification.recipient == member.id)
    if found is None:
        raise NotFound("找不到这条消息", field="id")
    return found


def mark_all_read(member: Member, up_to: int | None = None) -> int:
    """Mark all mine read, or those up to id `up_to` (what the screen showed, not what arrived since)."""
    query = Notification.update(read_at=clock.now()).where(
        Notification.recipient == member.id, Notification.read_at.is_null()
    )
    if up_to is not None:
        query = query.where(Notification.id <= up_to)
    with database.atomic():
        return query.execute()
