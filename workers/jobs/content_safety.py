"""Content-safety checks (server/services/messaging/content_safety.py) run as outbox jobs."""

from server.services.messaging import content_safety
from workers import bootstrap


def check(payload: dict, message) -> None:
    """Ask WeChat about one stored text and act on its answer (a re-run finds the check decided)."""
    content_safety.run_check(payload["check_id"], payload["text"], bootstrap.wechat_client())
