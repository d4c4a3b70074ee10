"""The station's calendar jobs run through RQ, do their work once and are harmless when run again."""

import datetime as dt

from rq import Queue

from server import clock, queues
from server.models import Audit, Household, Notice, Statement
from tests.factories import credited_record, make_community, make_member, make_volunteer
from workers.jobs import coordinator


def test_close_last_month_through_a_worker_twice(app, run_jobs, redis):
    community = make_community()
    volunteer, _ = make_volunteer(community)
    resident = make_member(community)
    clock.freeze(dt.datetime(2026, 3, 10, 12, 0))
    credited_record(volunteer, resident, minutes=60)
    clock.freeze(dt.datetime(2026, 4, 1, 1, 10))
    queue = Queue(queues.LOW, connection=redis)
    for _ in range(2):
        queue.enqueue(coordinator.close_last_month)
    assert run_jobs([queues.LOW]) == 2
    closed = Statement.select().join(Household).where(Household.community == community.id)
    assert {(s.year, s.month) for s in closed} == {(2026, 3)} and closed.count() == 2
    assert coordinator.close_last_month()[community.id] == 2


def test_after_the_quarter_one_audit_the_proposals_and_one_notice(app, worker_settings):
    community = make_community()
    volunteer, _ = make_volunteer(community)
    resident = make_member(community)
    for day in range(1, 7):
        clock.freeze(dt.datetime(2026, 2, day, 19, 0))
        credited_record(volunteer, resident, minutes=120, start_hour=9)
    clock.freeze(dt.datetime(2026, 4, 1, 2, 10))
    first = coordinator.after_quarter()[community.id]
    assert first["proposed"] == 1
    again = coordinator.after_quarter()[community.id]
    assert (again["audit"], again["notice"], again["proposed"]) == (first["audit"], first["notice"], 0)
    notice = Notice.get_by_id(first["notice"])
    assert (notice.year, notice.quarter) == (2026, 1)
    (award,) = notice.content["awards"]
    assert (award["member_id"], award["stars"], award["minutes"]) == (volunteer.id, 1, 720)
    assert Audit.get_by_id(first["audit"]).population == 6
    clock.freeze(None)
