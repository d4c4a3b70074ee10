"""A notification's SMS copy (短信) for a member who consented and whom WeChat cannot reach.

1. Planning (`plan`, run by the notification job after the WeChat copies settled): a notification
   whose WeChat copy was `skipped` (no WeChat, no consent credit, WeChat off), `refused` or `failed`,
   whose template has an SMS form and an approved template id, to a member with an open SMS
   consent, gets one `SmsMessage` (unique per notification) and one outbox row of kind `sms`.
2. Sending (`Sender.deliver`, one text per outbox row): the quiet hours defer a non-urgent text
   (an outbox row due when they end, exactly as WeChat copies wait); a withdrawn consent skips
   it; one transaction marks it `sending` (guarded: only from pending or deferred), spends one of
   the member's SMS_DAILY_CAP for the day (a guarded UPDATE; none left: `skipped`, daily_cap) and,
   for a witness request, keeps the HMAC of a fresh one-time code; then the one SendSms call.
3. The answer: `sent` with the provider's serial number; `failed` with its code when it refuses;
   back to `pending` (the day's count given back) and RetryLater when it may work later, so RQ's
   Retry runs the job again with backoff; the last try records `failed`.
4. Delivery reports (`apply_reports`, pulled every minute) turn `sent` into `delivered` or `failed`.

Exactly once per row. A re-run finding the row `sending` (a worker died during the call) marks it
`unknown` and never sends again, as WeChat copies do (wechat_delivery.py): an SMS costs money and
an elder's phone ringing twice at night is worse than a text lost to a crash, which the inbox and
the station's view of the member (its `unknown` status) still show.
"""

import datetime as dt
import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass, field

from server import clock, runtime
from server.db import database
from server.models import Notification, SmsConsent, SmsDay, SmsMessage
from server.services.messaging import message_format, notifications, outbox
from server.services.messaging.wechat_delivery import RetryLater, last_try, quiet_until

log = logging.getLogger(__name__)

KIND = "sms"
# WeChat could not carry these copies: a consenting member gets a text instead.
NOT_BY_WECHAT = ("skipped", "refused", "failed")
OPEN = ("pending", "deferred", "sending")
CODE_DIGITS = 6
CODE = "{" + message_format.SMS_CODE + "}"


def open_consent(member_id: int) -> SmsConsent | None:
    return SmsConsent.get_or_none(SmsConsent.member == member_id, SmsConsent.withdrawn_at.is_null())


def plan(notification_ids: list[int], template_ids: dict) -> list[int]:
    """SMS rows for these notifications where WeChat could not reach a consenting member; returns the
    ids of the rows waiting to be sent (each has its outbox row). Safe to run any number of times."""
    if not notification_ids:
        return []
    return _plan(Notification.id.in_(notification_ids), template_ids)


def plan_batch(payload: dict, template_ids: dict) -> list[int]:
    """`plan` for one notification job's batch of recipients: its rows are found by the planning query
    itself (one query when nobody in the batch consented)."""
    return _plan(notifications.in_batch(payload), template_ids)


def _plan(which, template_ids: dict) -> list[int]:
    keys = [key for key, tid in template_ids.items() if tid and message_format.has_sms(key)]
    if not keys:
        return []
    rows = (Notification.select(Notification, SmsConsent.phone.alias("consent_phone"))
            .join(SmsConsent, on=((SmsConsent.member == Notification.recipient) & SmsConsent.withdrawn_at.is_null()))
            .where(which, Notification.wechat_status.in_(NOT_BY_WECHAT), Notification.template_key.in_(keys))
            .objects())
    texts = [{"member": row.recipient_id, "community": row.community_id, "notification": row.id,
              "template_key": row.template_key, "phone": row.consent_phone, "urgent": row.urgent,
              "params": message_format.sms_params(row.template_key, row.data),
              "record": _record_of(row),
              "created_at": clock.now()} for row in rows]
    if not texts:
        return []
    with database.atomic():
        SmsMessage.insert_many(texts).on_conflict_ignore().execute()
        waiting = [row.id for row in SmsMessage.select(SmsMessage.id).where(
            SmsMessage.notification.in_([t["notification"] for t in texts]), SmsMessage.status == "pending")]
        for sms_id in waiting:
            outbox.emit(KIND, str(sms_id), {"sms_id": sms_id})
    return waiting


def _record_of(row: Notification) -> int | None:
    """The record a witness request's code confirms (other texts carry no code)."""
    if CODE not in message_format.template(row.template_key).sms:
        return None
    record_id = row.data.get("record_id")
    return int(record_id) if record_id else None


def code_digest(record_id: int, code: str) -> str:
    key = runtime.setting("SECRET_KEY").encode()
    return hmac.new(key, f"sms-witness-code:{record_id}:{code}".encode(), hashlib.sha256).hexdigest()


def spend_day(member_id: int, day: dt.date, cap: int) -> bool:
    """Count one text against the member's day; False when the cap is reached (a guarded UPDATE)."""
    SmsDay.insert(member=member_id, day=day, sent=0).on_conflict_ignore().execute()
    return bool(SmsDay.update(sent=SmsDay.sent + 1).where(SmsDay.member == member_id, SmsDay.day == day,
                                                           SmsDay.sent < cap).execute())


def refund_day(member_id: int, day: dt.date) -> None:
    SmsDay.update(sent=SmsDay.sent - 1).where(SmsDay.member == member_id, SmsDay.day == day,
                                              SmsDay.sent > 0).execute()


@dataclass
class Sender:
    """Sends texts with one client, the approved template ids, the quiet hours and the daily cap."""

    client: object | None
    template_ids: dict
    quiet_hours: str = ""
    daily_cap: int = 5
    outcomes: dict = field(default_factory=dict)

    def deliver(self, sms_id: int) -> str:
        """Send, defer or settle one text; raises RetryLater when it should be tried again."""
        outcome = self._one(sms_id)
        self.outcomes[outcome] = self.outcomes.get(outcome, 0) + 1
        if outcome == "retry":
            raise RetryLater(f"SMS {sms_id} to try again")
        return outcome

    def _skip(self, row: SmsMessage, note: str) -> str:
        SmsMessage.update(status="skipped", note=note).where(SmsMessage.id == row.id,
                                                             SmsMessage.status.in_(OPEN)).execute()
        return "skipped"

    def _one(self, sms_id: int) -> str:
        row = SmsMessage.get_or_none(SmsMessage.id == sms_id)
        if row is None or row.status not in OPEN:
            return "settled"
        if row.status == "sending":
            # A worker died during the call: the provider may have the text; never send it twice.
            SmsMessage.update(status="unknown", note="interrupted during the call").where(
                SmsMessage.id == row.id, SmsMessage.status == "sending").execute()
            return "unknown"
        template_id = self.template_ids.get(row.template_key)
        if self.client is None:
            return self._skip(row, "sms_off")
        if not template_id:
            return self._skip(row, "template_off")
        consent = open_consent(row.member_id)
        if consent is None:
            return self._skip(row, "consent_withdrawn")
        now = clock.now()
        until = None if row.urgent else quiet_until(now, self.quiet_hours)
        if until is not None:
            with database.atomic():
                SmsMessage.update(status="deferred", next_attempt_at=until, note="quiet_hours").where(
                    SmsMessage.id == row.id, SmsMessage.status.in_(("pending", "deferred"))).execute()
                outbox.emit(KIND, f"{row.id}:{until:%Y%m%d%H%M}", {"sms_id": row.id}, due_at=until)
            return "deferred"
        params, code = list(row.params), None
        with database.atomic():
            marked = SmsMessage.update(
                status="sending", attempts=SmsMessage.attempts + 1, next_attempt_at=None, phone=consent.phone,
                day=now.date(), note="",
            ).where(SmsMessage.id == row.id, SmsMessage.status.in_(("pending", "deferred"))).execute()
            if not marked:
                return "taken"
            if not spend_day(row.member_id, now.date(), self.daily_cap):
                SmsMessage.update(status="skipped", note="daily_cap").where(SmsMessage.id == row.id).execute()
                return "skipped"
            if CODE in params and row.record_id is not None:
                code = f"{secrets.randbelow(10 ** CODE_DIGITS):0{CODE_DIGITS}d}"
                SmsMessage.update(code_hash=code_digest(row.record_id, code)).where(SmsMessage.id == row.id).execute()
        sent_params = [value.replace(CODE, code or "") for value in params]
        result = self.client.send(consent.phone, template_id, sent_params, context=str(row.id))
        if result.verdict == "sent":
            # The kill window is this one statement (see the module docstring).
            SmsMessage.update(status="sent", provider_code=result.code, note=result.message, serial_no=result.serial_no,
                              sent_at=clock.now()).where(SmsMessage.id == row.id,
                                                         SmsMessage.status == "sending").execute()
            return "sent"
        return self._settle(row, now.date(), result)

    def _settle(self, row: SmsMessage, day: dt.date, result) -> str:
        verdict = result.verdict
        if verdict == "retry" and last_try():
            verdict = "failed"
        log.info("sms %s: %s (%s %s)", row.id, verdict, result.code, result.message)
        with database.atomic():
            SmsMessage.update(status="pending" if verdict == "retry" else "failed", provider_code=result.code[:64],
                              note=result.message[:200], code_hash=None).where(
                SmsMessage.id == row.id, SmsMessage.status == "sending").execute()
            refund_day(row.member_id, day)
        return verdict


def apply_reports(reports) -> int:
    """Delivery reports from the provider: `sent` becomes `delivered` or `failed`; returns how many matched."""
    matched = 0
    with database.atomic():
        for report in reports:
            matched += SmsMessage.update(
                status="delivered" if report.delivered else "failed", provider_code=report.code[:64],
                delivered_at=(report.received_at or clock.now()) if report.delivered else None,
            ).where(SmsMessage.serial_no == report.serial_no, SmsMessage.status == "sent").execute()
    return matched


# --- a witness request's code, entered by the volunteer (board/code_cards.py) ---

def codes_sent(record_id: int) -> bool:
    """A witness code went out by SMS for this record."""
    return SmsMessage.select().where(SmsMessage.record == record_id, SmsMessage.code_hash.is_null(False)).exists()


def find_code(record_id: int, code: str) -> SmsMessage | None:
    return SmsMessage.get_or_none(SmsMessage.record == record_id, SmsMessage.code_hash == code_digest(record_id, code))


def use_code(text: SmsMessage, actor_id: int) -> bool:
    """Spend the text's code (True for the one caller that does: a guarded UPDATE)."""
    return bool(SmsMessage.update(code_used_at=clock.now(), code_used_by=actor_id).where(
        SmsMessage.id == text.id, SmsMessage.code_used_at.is_null()).execute())
