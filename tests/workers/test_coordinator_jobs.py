"""The station's calendar jobs run through RQ, do their work once and are harmless when run again."""

import datetime as dt

from rq import Queue

from server import clock, queueing
from server.models import Household, Statement
from tests.factories import credited_record, make_community, make_member, make_volunteer
from workers.jobs import coordinator


def test_close_last_month_through_a_worker_twice(app, run_jobs, redis):
    community = make_community()
    volunteer, _ = make_volunteer(community)
    resident = make_member(community)
    clock.freeze(dt.datetime(2026, 3, 10, 12, 0))
    credited_record(volunteer, resident, minutes=60)
    clock.freeze(dt.datetime(2026, 4, 1, 1, 10))
    queue = Queue(queueing.LOW, connection=redis)
    for _ in range(2):
        queue.enqueue(coordinator.close_last_month)
    assert run_jobs([queueing.LOW]) == 2
    closed = Statement.select().join(Household).where(Household.community == community.id)
    assert {(s.year, s.month) for s in closed} == {(2026, 3)} and closed.count() == 2
    assert coordinator.close_last_month()[community.id] == 2
