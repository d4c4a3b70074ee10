"""After each quarter, for the station: every community's audit, star proposals and public notice.

`audits.run`, `stars.propose` and `notices.publish_quarterly` each do one community's part
and find what is already done; this runs them for every community, in the order that lets
the notice list what was proposed, for the scheduled job (workers/jobs/coordinator.py).
"""

import datetime as dt

from server import runtime
from server.models import Community
from server.services.oversight import audits, periods
from server.services.recognition import notices, stars


def close_last_quarter() -> dict[int, dict]:
    """For the quarter that ended last, per community: the audit, the star proposals, the notice.

    Safe to run any day, any number of times. Stars count the quarter's year (calendar: the
    year so far, the whole year after the fourth quarter) or the 12 months up to the
    quarter's last day (rolling).
    """
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
