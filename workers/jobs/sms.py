"""Texts (短信) for members whom WeChat cannot reach (server/services/messaging/sms_delivery.py)."""

from server import runtime
from server.services.messaging import sms, sms_delivery
from workers import bootstrap

PULL_LIMIT = 100


def sender() -> sms_delivery.Sender:
    bootstrap.settings()  # configures the process first, if nothing has
    return sms_delivery.Sender(
        client=sms.make_client(),
        template_ids=runtime.setting("SMS_TEMPLATE_IDS"),
        quiet_hours=runtime.setting("QUIET_HOURS"),
        daily_cap=runtime.setting("SMS_DAILY_CAP"),
    )


def plan(notification_ids: list[int]) -> list[int]:
    """After WeChat copies settled: texts for those it could not carry (nothing when SMS is off)."""
    if not sms.configured():
        return []
    return sms_delivery.plan(notification_ids, runtime.setting("SMS_TEMPLATE_IDS"))


def plan_batch(payload: dict) -> list[int]:
    """`plan` for a notification job's batch of recipients (no query at all when SMS is off)."""
    if not sms.configured():
        return []
    return sms_delivery.plan_batch(payload, runtime.setting("SMS_TEMPLATE_IDS"))


def send(payload: dict, message) -> None:
    """One text (an outbox row of kind `sms`): sent at most once; RQ's Retry when it may work later."""
    sender().deliver(payload["sms_id"])


def pull_reports() -> int:
    """Delivery reports from the provider (every minute): `sent` becomes `delivered` or `failed`."""
    with bootstrap.job_db():
        client = sms.make_client()
        if client is None:
            return 0
        matched = 0
        while True:
            reports = client.pull_reports(PULL_LIMIT)
            matched += sms_delivery.apply_reports(reports)
            if len(reports) < PULL_LIMIT:
                return matched
