"""The station's calendar jobs: close last month, and after each quarter audit, propose stars and publish.

Each is a plain function RQ's cron runs (workers/cron.py) and is safe to run any day,
any number of times: what is already done is found and left alone, so a missed day
is caught up by the next run.
"""

from server.services.oversight import monthly_close, quarter_close
from workers import bootstrap


def close_last_month() -> dict[int, int]:
    """每月汇总登记: every community's previous month closed (statements per community)."""
    with bootstrap.job_db():
        return monthly_close.close_last_month()


def after_quarter() -> dict[int, dict]:
    """For the quarter that ended last, per community: the audit, the star proposals, the notice."""
    with bootstrap.job_db():
        return quarter_close.close_last_quarter()
