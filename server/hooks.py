"""Cross-area hooks wired once: a new household gets its ledger account, a new community its system accounts."""

_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    from server.services import ledger, people, records, tasks

    people.on_household_opened(ledger.open_household_account)
    people.on_community_created(ledger.open_community_accounts)
    records.on_settled(tasks.on_record_settled)
    from server.services import board_reports  # noqa: F401 - registers its report sections and data-rights parts
    _installed = True
