"""Scheduled coordinator operations (issue 7): monthly close, quarterly audit sampling, yearly stars.

Their services belong to the coordinator-operations work, which may not be merged yet.
The schedule entries are ready in workers/cron.py; each job imports its service when it
runs and, while the module or function does not exist, logs one line and returns
"skipped" instead of failing (no broken import stops the scheduler). When that work
lands, the functions named in SERVICES are what these jobs call — change a name here
if it chose another. Each must take no arguments, open no database of its own (the job
does) and be safe to run twice.
"""

import importlib
import logging

from workers.jobs.outbox import run_service

log = logging.getLogger(__name__)

SERVICES = {
    "monthly_close": ("server.services.statements", "close_previous_month"),  # every household's last month
    "quarterly_audit": ("server.services.audits", "sample_previous_quarter"),  # ledger check, flags, sampled visits
    "yearly_stars": ("server.services.stars", "propose_previous_year"),  # the year's star awards, for the notice
}


def service(name: str):
    """The function for `name`, or None while it does not exist yet."""
    module_name, attribute = SERVICES[name]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name != module_name:
            raise  # the module exists but something it imports is missing: a real error
        return None
    return getattr(module, attribute, None)


def _run(name: str):
    func = service(name)
    if func is None:
        module_name, attribute = SERVICES[name]
        log.warning("%s skipped: %s.%s does not exist yet (coordinator operations)", name, module_name, attribute)
        return "skipped"
    return run_service(func)


def monthly_close():
    """08:30 Beijing on the 1st: close last month for every household (每月汇总登记)."""
    return _run("monthly_close")


def quarterly_audit():
    """The 1st of each quarter: verify the ledger, flag anomalies, draw the sample of visits (抽样走访)."""
    return _run("quarterly_audit")


def yearly_stars():
    """1 January: propose last year's star awards (星级评定)."""
    return _run("yearly_stars")
