"""Concurrency on PostgreSQL: claims and payback holds under real parallel transactions."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from server.db import database
from server.models import Account, Household, Member, Task
from server.services.board import bookings, tasks
from server.services.ledger import core as ledger
from server.services.ledger import ledger_ops, ledger_verify
from server.services.people import core as people
from server.services.people import volunteers
from tests.factories import make_community, make_coordinator, make_member, make_request, make_volunteer, need

pytestmark = pytest.mark.postgres


def race(actions):
    """Run every action at the same moment; return what each returned or raised."""
    barrier = threading.Barrier(len(actions))

    def run(action):
        barrier.wait()
        try:
            return action()
        except Exception as exc:  # noqa: BLE001 - the outcome is the point
            return exc
        finally:
            database.close()

    with ThreadPoolExecutor(len(actions)) as pool:
        return list(pool.map(run, actions))


def test_twenty_volunteers_claim_one_task_exactly_one_wins(pg_app):
    community = make_community()
    task = Task.get(Task.request == make_request(make_member(community)).id)
    crowd = [make_volunteer(community)[0] for _ in range(20)]
    outcomes = race([lambda m=m: tasks.claim(Member.get_by_id(m.id), Task.get_by_id(task.id)) for m in crowd])
    winners = [o for o in outcomes if isinstance(o, Task)]
    losers = [o for o in outcomes if isinstance(o, tasks.IllegalTransition)]
    assert len(winners) == 1 and len(losers) == 19
    assert all(o.details["current_status"] == "claimed" for o in losers)
    assert Task.get_by_id(task.id).volunteer_id == winners[0].volunteer_id
    assert tasks.TaskEvent.select().where(tasks.TaskEvent.task == task.id, tasks.TaskEvent.kind == "claim").count() == 1


def test_two_household_members_cannot_overdraw_with_payback(pg_app):
    community = make_community()
    coordinator = make_coordinator(community)
    retired, profile = make_volunteer(community)
    volunteers.set_status(coordinator, profile, status="retired", reason="age")
    spouse = make_member(household=False)
    people.join_household(spouse, invite_code=Member.get_by_id(retired.id).household.invite_code, relation="配偶")
    ledger_ops.adjust(coordinator, Household.get_by_id(retired.household_id), minutes=120, reason="历年", key="fund")
    body = need(minutes=120)
    outcomes = race([
        lambda: bookings.open_payback(Member.get_by_id(retired.id), body),
        lambda: bookings.open_payback(Member.get_by_id(spouse.id), {**body, "for_member_id": retired.id}),
    ])
    opened = [o for o in outcomes if isinstance(o, bookings.Request)]
    refused = [o for o in outcomes if isinstance(o, ledger.InsufficientMinutes)]
    assert len(opened) == 1 and len(refused) == 1, outcomes
    account = Account.get(Account.household == retired.household_id)
    assert (account.posted_minutes, account.pending_minutes) == (120, 120)
    assert Task.select().where(Task.source == "payback").count() == 1  # the refused one left nothing behind
    assert ledger_verify.verify() == []
