"""Delivering notifications: the inbox row first, then the WeChat copy (server/services/messaging/wechat_delivery.py),
then a text for a consenting member WeChat could not reach (workers/jobs/sms.py)."""

from server import runtime
from server.services.messaging import notifications, wechat_delivery
from workers import bootstrap
from workers.jobs import sms as sms_jobs


def sender() -> wechat_delivery.Sender:
    client = bootstrap.wechat_client()  # configures the process first, if nothing has
    return wechat_delivery.Sender(
        client=client,
        template_ids=runtime.setting("WECHAT_TEMPLATE_IDS"),
        quiet_hours=runtime.setting("QUIET_HOURS"),
        state=runtime.setting("WECHAT_MINIPROGRAM_STATE"),
    )


def deliver(payload: dict, message) -> None:
    """One batch of recipients: inbox rows (idempotent), then their WeChat copies."""
    send = sender()
    open_ids = notifications.create_inbox_rows(payload, send.initial_status)
    try:
        if open_ids:
            send.deliver(open_ids)
    finally:  # copies WeChat settled (even when others wait for a retry) may go by SMS
        sms_jobs.plan_batch(payload)


def deliver_deferred(payload: dict, message) -> None:
    """WeChat copies that waited for the quiet hours to end."""
    try:
        sender().deliver(payload["notification_ids"])
    finally:
        sms_jobs.plan(payload["notification_ids"])
