"""Every cross-area registry, filled here and only here: importing a module registers nothing.

A new household gets its ledger account, a new community its system accounts, a credited
record moves its task along; each area's `register()` adds its report sections, data-rights
export sections and erasure hooks, and content-safety callbacks. create_app() and the
workers' bootstrap call install() once; tests/test_registries.py checks what it fills.
"""

_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    from server.services.board import board_reports, bookings, records, tasks
    from server.services.ledger import core as ledger
    from server.services.ledger import idempotency
    from server.services.oversight import study_report
    from server.services.people import core as people
    from server.services.people import data_rights

    people.on_household_opened(ledger.open_household_account)
    people.on_community_created(ledger.open_community_accounts)
    records.on_settled(tasks.on_record_settled)
    for area in (study_report, data_rights, board_reports, idempotency, records, bookings):
        area.register()
    _installed = True
