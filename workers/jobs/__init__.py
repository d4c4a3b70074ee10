"""RQ jobs: plain importable functions that take ids and are safe to run twice.

Which job delivers each outbox kind is wired here, in `register()`, and nowhere else: importing
a module registers nothing. workers.bootstrap calls it when it configures a process, so any
process that runs `workers.jobs.outbox.deliver` knows every kind.
"""


def register() -> None:
    """Fill workers.jobs.outbox.HANDLERS: outbox kind -> the job that delivers one row of it."""
    from server.services.board import matching
    from server.services.imports import core as imports
    from server.services.messaging import content_safety, notifications, sms_delivery
    from workers.jobs import content_safety as content_safety_jobs
    from workers.jobs import imports as import_jobs
    from workers.jobs import matching as matching_jobs
    from workers.jobs import notifications as notification_jobs
    from workers.jobs import outbox
    from workers.jobs import sms as sms_jobs

    outbox.HANDLERS.update({
        content_safety.KIND: content_safety_jobs.check,
        imports.KIND: import_jobs.commit,
        matching.KIND: matching_jobs.run_round,
        matching.PRIORITY_KIND: matching_jobs.run_round,
        notifications.KIND: notification_jobs.deliver,
        notifications.URGENT_KIND: notification_jobs.deliver,
        notifications.WECHAT_KIND: notification_jobs.deliver_deferred,
        sms_delivery.KIND: sms_jobs.send,
    })
