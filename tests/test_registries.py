"""Registries are filled in one place each (server/hooks.py; workers.jobs.register for the outbox
handlers), never by importing a module, and completely."""

import subprocess
import sys

from server import hooks, queues
from server.services.board import board_reports, bookings, matching, records, tasks
from server.services.imports import core as imports
from server.services.ledger import core as ledger
from server.services.ledger import idempotency
from server.services.messaging import content_safety, notifications, outbox, sms_delivery
from server.services.oversight import study_report
from server.services.people import core as people
from server.services.people import data_rights
from workers import bootstrap
from workers.jobs import content_safety as content_safety_jobs
from workers.jobs import imports as import_jobs
from workers.jobs import matching as matching_jobs
from workers.jobs import notifications as notification_jobs
from workers.jobs import outbox as outbox_jobs
from workers.jobs import sms as sms_jobs

EMPTY_AFTER_IMPORT = """
import importlib, pkgutil
import server.services, workers.jobs
for package in (server.services, workers.jobs):
    for found in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(found.name)
import workers.worker, workers.cron
from server.services.messaging import content_safety, outbox
from server.services.people import data_rights
from server.services.people import core as people
from server.services.board import records
from server.services.oversight import study_report
from workers.jobs import outbox as outbox_jobs
filled = {"outbox.QUEUE_OF": outbox.QUEUE_OF, "outbox.IMMEDIATE": outbox.IMMEDIATE,
          "outbox.TIMEOUT_OF": outbox.TIMEOUT_OF, "outbox.ON_FAILURE": outbox.ON_FAILURE,
          "workers.jobs.outbox.HANDLERS": outbox_jobs.HANDLERS,
          "study_report.SECTIONS": study_report.SECTIONS, "data_rights.EXPORT_SECTIONS": data_rights.EXPORT_SECTIONS,
          "data_rights.ERASE_HOOKS": data_rights.ERASE_HOOKS, "content_safety callbacks": content_safety._CALLBACKS,
          "people household hooks": people._household_opened_hooks,
          "people community hooks": people._community_created_hooks, "records settled hooks": records._settled_hooks}
print(sorted(name for name, registry in filled.items() if registry))
"""


def test_importing_every_service_and_job_module_registers_nothing():
    """A registry filled by an import depends on who happened to import what; hooks.install() is the one place."""
    out = subprocess.run([sys.executable, "-c", EMPTY_AFTER_IMPORT], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_after_wiring_every_registry_is_complete(app):
    hooks.install()
    assert sorted(study_report.SECTIONS) == sorted([
        "summary", "ledger", "hours_by_month", "hours_by_category", "hours_by_team", "volunteers", "party_share",
        "audits", "requests", "response_times", "honour", "agreements", "outlook", "exchange", "exchange_network"])
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
    assert outbox.QUEUE_OF == {
        content_safety.KIND: queues.DEFAULT, matching.KIND: queues.MATCHING,
        matching.PRIORITY_KIND: queues.PRIORITY_MATCHING, notifications.KIND: queues.NOTIFICATIONS,
        notifications.URGENT_KIND: queues.URGENT_NOTIFICATIONS, notifications.WECHAT_KIND: queues.NOTIFICATIONS,
        sms_delivery.KIND: queues.NOTIFICATIONS, imports.KIND: queues.DEFAULT}
    assert {matching.PRIORITY_KIND, notifications.URGENT_KIND, imports.KIND} == outbox.IMMEDIATE
    assert outbox.TIMEOUT_OF == {imports.KIND: 900}
    assert {imports.KIND: imports.commit_failed} == outbox.ON_FAILURE


def test_a_configured_worker_knows_the_job_for_every_outbox_kind(app, redis_url):
    """A worker process is wired by its bootstrap: every kind the server routes has its job."""
    bootstrap.configure({"DATABASE_URL": app.config["DATABASE_URL"], "REDIS_URL": redis_url,
                         "SECRET_KEY": "test-secret", "ENV": "test"})
    assert {kind: job for kind, job in outbox_jobs.HANDLERS.items() if not kind.startswith("test.")} == {
        content_safety.KIND: content_safety_jobs.check,
        matching.KIND: matching_jobs.run_round, matching.PRIORITY_KIND: matching_jobs.run_round,
        notifications.KIND: notification_jobs.deliver, notifications.URGENT_KIND: notification_jobs.deliver,
        notifications.WECHAT_KIND: notification_jobs.deliver_deferred, sms_delivery.KIND: sms_jobs.send,
        imports.KIND: import_jobs.commit}
    assert set(outbox.QUEUE_OF) <= set(outbox_jobs.HANDLERS)
