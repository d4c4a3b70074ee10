"""Registries are filled in one place (server/hooks.py), never by importing a module, and completely."""

import subprocess
import sys

from server import hooks
from server.services.board import board_reports, bookings, records, tasks
from server.services.ledger import core as ledger
from server.services.ledger import idempotency
from server.services.messaging import content_safety
from server.services.oversight import study_report
from server.services.people import core as people
from server.services.people import data_rights

EMPTY_AFTER_IMPORT = """
import importlib, pkgutil
import server.services
for found in pkgutil.walk_packages(server.services.__path__, "server.services."):
    importlib.import_module(found.name)
from server.services.messaging import content_safety
from server.services.people import data_rights
from server.services.people import core as people
from server.services.board import records
from server.services.oversight import study_report
filled = {"study_report.SECTIONS": study_report.SECTIONS, "data_rights.EXPORT_SECTIONS": data_rights.EXPORT_SECTIONS,
          "data_rights.ERASE_HOOKS": data_rights.ERASE_HOOKS, "content_safety callbacks": content_safety._CALLBACKS,
          "people household hooks": people._household_opened_hooks,
          "people community hooks": people._community_created_hooks, "records settled hooks": records._settled_hooks}
print(sorted(name for name, registry in filled.items() if registry))
"""


def test_importing_every_service_module_registers_nothing():
    """A registry filled by an import depends on who happened to import what; hooks.install() is the one place."""
    out = subprocess.run([sys.executable, "-c", EMPTY_AFTER_IMPORT], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_after_wiring_every_registry_is_complete(app):
    hooks.install()
    assert sorted(study_report.SECTIONS) == sorted([
        "summary", "ledger", "hours_by_month", "hours_by_category", "hours_by_team", "volunteers", "party_share",
        "audits", "requests", "response_times", "agreements"])
    assert list(data_rights.EXPORT_SECTIONS) == [
        "profile", "consents", "volunteer", "household", "records_served", "records_witnessed", "records_received",
        "passbook", "notifications", "star_awards", "objections", "audit_visits",
        "requests", "agreements", "recipient_files"]
    assert [board_reports._erase, idempotency._erase] == data_rights.ERASE_HOOKS
    assert {kind: r.callback for kind, r in content_safety._CALLBACKS.items()} == {
        "self_report": records._self_report_checked, "request": bookings._request_checked}
    assert people._household_opened_hooks == [ledger.open_household_account]
    assert people._community_created_hooks == [ledger.open_community_accounts]
    assert records._settled_hooks == [tasks.on_record_settled]
