"""Sending a notification's WeChat copy: consent, quiet hours, retries, refusals, and the kill window.

The inbox row exists before anything here runs; this module only moves its
`wechat_status` (see server/models/notifications.py). For each open row:

1. Quiet hours (QUIET_HOURS, local time): a non-urgent copy is `deferred` to the end
   of the quiet hours — an outbox row due then, which the sweeper enqueues — never dropped.
2. The access token is fetched first (cached in Redis, shared by every worker), so a
   worker killed while fetching it has marked nothing and the re-run simply sends.
3. One transaction spends a consent credit (guarded UPDATE; none left → `skipped`,
   "no_credit") and marks the row `sending`, attempts + 1.
4. The call to subscribeMessage.send.
5. One statement records WeChat's answer: `sent`. A refusal is recorded in one
   transaction instead: `refused` for 43101, 40003, 40037, 47003, 41030 (43101 zeroes
   the member's credits for the template, the others give the credit back), `failed` for
   an errcode we do not know; neither is retried. Network errors, HTTP 5xx and errcode -1
   ("system busy") or the rate limits put the row back to `pending` with its credit, and
   the job raises so RQ's Retry runs it again with backoff; the last try records `failed`.

The kill window. WeChat has no idempotency key. A worker SIGKILLed during step 4 or
before step 5 leaves the row `sending`; the re-run (RQ delivers at least once) cannot
tell whether WeChat got the message, so it marks the row `unknown` and does NOT send
again: a kill never makes WeChat deliver twice. The price: a kill in the instant
between step 3 and the request leaving costs that WeChat copy (the inbox row is
there regardless), and a kill between WeChat's answer and step 5 — one UPDATE — leaves
a delivered message recorded `unknown`. What can still deliver twice is a network
error after WeChat accepted the request (a read timeout, a dropped connection): we
retry those, preferring a rare duplicate to a lost message.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field

from rq import get_current_job

from server import clock
from server.db import database
from server.models import Member, Notification
from server.services.messaging import message_format, outbox, subscriptions
from server.services.messaging.wechat import classify_error

log = logging.getLogger(__name__)

OPEN = ("pending", "deferred", "sending")
# WeChat will never take this message as it is: record it, do not retry.
REFUSALS = {
    43101: "user refused or not subscribed",
    40003: "invalid openid",
    40037: "invalid template id",
    47003: "template data invalid",
    41030: "invalid page",
}
NOT_SUBSCRIBED = 43101


class RetryLater(Exception):
    """Some WeChat copies should be tried again: RQ's Retry schedules the job with backoff."""


def quiet_until(now: dt.datetime, spec: str) -> dt.datetime | None:
    """When the quiet hours around `now` end, or None outside them (`22:00-08:00` wraps midnight)."""
    if not spec:
        return None
    start_text, end_text = spec.split("-")
    start, end = (dt.time.fromisoformat(t) for t in (start_text, end_text))
    moment = now.time()
    if start <= end:
        inside = start <= moment < end
        ends_on = now.date()
    else:
        inside = moment >= start or moment < end
        ends_on = now.date() if moment < end else now.date() + dt.timedelta(days=1)
    return dt.datetime.combine(ends_on, end) if inside else None


def _classify(exc: Exception) -> tuple[str, int | None, str]:
    """(retry | refused | failed, errcode, note): refusals we know are final; other answers fail."""
    verdict, errcode, note = classify_error(exc)
    if verdict == "refused":
        if errcode in REFUSALS:
            return "refused", errcode, REFUSALS[errcode]
        return "failed", errcode, note
    return verdict, errcode, note


def last_try() -> bool:
    """True in the last run RQ's Retry allows (outside RQ, never)."""
    job = get_current_job()
    return job is not None and not job.retries_left


@dataclass
class Sender:
    """Delivers WeChat copies with one client, the configured template ids and quiet hours."""

    client: object | None
    template_ids: dict
    quiet_hours: str = ""
    state: str = "formal"
    outcomes: dict = field(default_factory=dict)

    def initial_status(self, has_openid: bool, template_key: str) -> tuple[str, str]:
        if self.client is None:
            return "skipped", "wechat_off"
        if not self.template_ids.get(template_key):
            return "skipped", "template_off"
        if not has_openid:
            return "skipped", "no_openid"
        return "pending", ""

    def deliver(self, notification_ids: list[int]) -> dict:
        """Send, defer or settle each open copy; raises RetryLater when some should run again."""
        rows = (
            Notification.select(Notification, Member.openid)
            .join(Member, on=(Notification.recipient == Member.id))
            .where(Notification.id.in_(notification_ids), Notification.wechat_status.in_(OPEN))
            .order_by(Notification.id)
            .objects()  # row.openid beside the notification's own columns
        )
        deferred: dict[dt.datetime, list[int]] = {}
        retry = 0
        for row in rows:
            outcome = self._one(row, row.openid, deferred)
            self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1
            retry += outcome == "retry"
        if deferred:
            self._defer(deferred)
        if retry:
            raise RetryLater(f"{retry} WeChat message(s) to try again")
        return self.outcomes

    def _one(self, row: Notification, openid: str | None, deferred: dict) -> str:
        if row.wechat_status == "sending":
            # A worker died during this call: WeChat may have the message; sending again could
            # deliver it twice. (A live sender finishing later still records `sent`.)
            Notification.update(wechat_status="unknown", wechat_note="interrupted during the call").where(
                Notification.id == row.id, Notification.wechat_status == "sending").execute()
            return "unknown"
        template_id = self.template_ids.get(row.template_key)
        if self.client is None or not template_id or not openid:
            status, note = self.initial_status(bool(openid), row.template_key)
            Notification.update(wechat_status=status, wechat_note=note).where(Notification.id == row.id).execute()
            return status
        until = None if row.urgent else quiet_until(clock.now(), self.quiet_hours)
        if until is not None:
            deferred.setdefault(until, []).append(row.id)
            return "deferred"
        data = message_format.wechat_data(row.template_key, row.data)
        try:
            self.client.access_token  # noqa: B018 - fetch (and cache) it before marking anything
        except Exception as exc:  # noqa: BLE001 - classified below
            verdict, errcode, note = _classify(exc)
            return self._settle(row, verdict, errcode, f"token: {note}", spent=False)
        with database.atomic():
            marked = Notification.update(
                wechat_status="sending", attempts=Notification.attempts + 1, next_attempt_at=None
            ).where(Notification.id == row.id, Notification.wechat_status.in_(("pending", "deferred"))).execute()
            if not marked:
                return "taken"  # another job is sending it
            if not subscriptions.spend(row.recipient_id, row.template_key):
                Notification.update(wechat_status="skipped", wechat_note="no_credit").where(
                    Notification.id == row.id).execute()
                return "skipped"
        try:
            self.client.send_subscribe(openid, template_id, data, page=row.link, state=self.state)
        except Exception as exc:  # noqa: BLE001 - classified below
            verdict, errcode, note = _classify(exc)
            return self._settle(row, verdict, errcode, note, spent=True)
        # The kill window is this one statement (see the module docstring).
        Notification.update(wechat_status="sent", sent_at=clock.now(), wechat_errcode=0, wechat_note="").where(
            Notification.id == row.id).execute()
        return "sent"

    def _settle(self, row: Notification, verdict: str, errcode: int | None, note: str, *, spent: bool) -> str:
        """Record a WeChat refusal or failure; give the credit back unless WeChat says none is left."""
        if verdict == "retry" and last_try():
            verdict = "failed"
        status = "pending" if verdict == "retry" else verdict
        log.info("notification %s: WeChat %s (errcode=%s, %s)", row.id, verdict, errcode, note)
        with database.atomic():
            Notification.update(wechat_status=status, wechat_errcode=errcode, wechat_note=note[:200]).where(
                Notification.id == row.id).execute()
            if spent and errcode == NOT_SUBSCRIBED:
                subscriptions.forget(row.recipient_id, row.template_key)
            elif spent:
                subscriptions.refund(row.recipient_id, row.template_key)
        return verdict

    def _defer(self, deferred: dict) -> None:
        """Hold copies until the quiet hours end: an outbox row due then (the sweeper enqueues it)."""
        from server.services.messaging.notifications import WECHAT_KIND, digest

        with database.atomic():
            for until, ids in deferred.items():
                Notification.update(wechat_status="deferred", next_attempt_at=until, wechat_note="quiet_hours").where(
                    Notification.id.in_(ids), Notification.wechat_status.in_(("pending", "deferred"))).execute()
                outbox.emit(WECHAT_KIND, f"{until:%Y%m%d%H%M}:{digest(ids)}", {"notification_ids": ids},
                            due_at=until)
