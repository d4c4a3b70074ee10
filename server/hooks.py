"""Cross-area hooks wired once (a household opened → its ledger account, ...)."""

_installed = False


def install() -> None:
    global _installed
    if _installed:
        return
    _installed = True
