"""Every cross-area registry, filled here and only here: importing a module registers nothing.

A new household gets its ledger account, a new community its system accounts, a credited
record moves its task along; each area's `register()` adds its report sections, data-rights
export sections and erasure hooks, and content-safety callbacks; each outbox kind gets its RQ
queue (and whether a request enqueues it right after its commit). create_app() and the
workers' bootstrap call install() once; tests/test_registries.py checks what it fills.
"""

_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    from server import queues
    from server.services.board import board_reports, bookings, matching, records, tasks
    from server.services.imports import core as imports
    from server.services.ledger import core as ledger
    from server.services.ledger import idempotency
    from server.services.messaging import content_safety, notifications, outbox, sms_delivery
    from server.services.oversight import exchange_report, outlook, study_report
    from server.services.people import core as people
    from server.services.people import data_rights

    outbox.route(content_safety.KIND, queues.DEFAULT)
    outbox.route(matching.KIND, queues.MATCHING)
    outbox.route(matching.PRIORITY_KIND, queues.PRIORITY_MATCHING, immediate=True)  # a payback waits on it
    outbox.route(notifications.KIND, queues.NOTIFICATIONS)
    outbox.route(notifications.URGENT_KIND, queues.URGENT_NOTIFICATIONS, immediate=True)
    outbox.route(notifications.WECHAT_KIND, queues.NOTIFICATIONS)
    outbox.route(sms_delivery.KIND, queues.NOTIFICATIONS)
    # a station waits on it; 10,000 paper records take about a minute on PostgreSQL (docs/station.md)
    outbox.route(imports.KIND, queues.DEFAULT, immediate=True, job_timeout=900, on_failure=imports.commit_failed)

    people.on_household_opened(ledger.open_household_account)
    people.on_community_created(ledger.open_community_accounts)
    records.on_settled(tasks.on_record_settled)
    for area in (study_report, data_rights, board_reports, idempotency, records, bookings, outlook, exchange_report):
        area.register()
    _installed = True
