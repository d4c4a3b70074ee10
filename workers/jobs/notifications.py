"""Delivering notifications: the inbox row first, then the WeChat copy (server/services/messaging/wechat_delivery.py)."""

from server import runtime
from server.services.messaging import notifications, wechat_delivery
from workers import bootstrap


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
    if open_ids:
        send.deliver(open_ids)


def deliver_deferred(payload: dict, message) -> None:
    """WeChat copies that waited for the quiet hours to end."""
    sender().deliver(payload["notification_ids"])
