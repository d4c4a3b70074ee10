"""Content-safety checks (server/services/messaging/content_safety.py) run as outbox jobs."""

from server.services.messaging import content_safety
from workers import bootstrap
from workers.jobs.outbox import handler


@handler(content_safety.KIND)
def check(payload: dict, message) -> None:
    content_safety.run_check(payload["check_id"], payload["text"], bootstrap.wechat_client())
