"""The station's calendar jobs: close last month, and after each quarter audit, propose stars and publish.

Each is a plain function RQ's cron runs (workers/cron.py) and is safe to run any day,
any number of times: what is already done is found and left alone, so a missed day
is caught up by the next run.
"""

import datetime as dt

from server import runtime
from server.models import Community
from server.services import audits, monthly_close, notices, periods, stars
from workers import bootstrap


def close_last_month() -> dict[int, int]:
    """每月汇总登记: every community's previous month closed (statements per community)."""
    with bootstrap.job_db():
        return monthly_close.close_last_month()


def after_quarter() -> dict[int, dict]:
    """For the quarter that ended last, per community: the audit, the star proposals, the notice.

    In that order, so the notice lists what was proposed. Stars count the quarter's
    year (calendar: the year so far, the whole year after the fourth quarter) or the
    12 months up to the quarter's last day (rolling).
    """
    with bootstrap.job_db():
        year, quarter = periods.last_ended_quarter()
        last_day = periods.quarter_bounds(year, quarter)[1] - dt.timedelta(days=1)
        rolling = runtime.setting("STAR_PERIOD") == "rolling"
        done = {}
        for community in Community.select().order_by(Community.id):
            audit = audits.run(None, community, year, quarter)
            proposed = stars.propose(community.id, year=None if rolling else year, day=last_day if rolling else None)
            notice = notices.publish_quarterly(None, community, year, quarter)
            done[community.id] = {"audit": audit.id, "proposed": len(proposed), "notice": notice.id}
        return done
