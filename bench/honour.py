"""Honour-rate report benchmark (issue 14 §3), printed as ratios measured in one run.

* A community of 10,000 households and 3,000 volunteers, with a payback request from every
  third household in the quarter (and as many the quarter before): the report
  (`GET /api/v1/communities/{id}/redemption`) answers within 2× the latency of a passbook
  page of 20 (`GET /api/v1/me/passbook?limit=20`) in the same run.

Run: `make bench` or `.venv/bin/python -m bench.honour`.
"""

import datetime as dt
import json
import sys

from bench import harness

HOUSEHOLDS, VOLUNTEERS, PER_QUARTER = 10_000, 3_000, 3_334
# How the quarter's requests end, in turn: served on time, late, expired, cancelled, still open.
ENDINGS = ("credited", "credited", "credited", "credited", "credited", "credited", "credited", "credited", "credited",
           "expired", "cancelled", "open")


def _bulk(model, rows):
    for chunk in range(0, len(rows), 500):
        model.insert_many(rows[chunk:chunk + 500]).execute()


def seed(values):
    from server import clock
    from server.db import database
    from server.models import (
        Account,
        Household,
        Member,
        Request,
        ServiceCategory,
        Task,
        TaskEvent,
        Transfer,
        Volunteer,
    )
    from server.services.ledger import core as ledger
    from server.services.oversight import periods
    from tests.factories import make_community, make_coordinator, make_member

    community = make_community(name="大社区", code="BIG")
    coordinator = make_coordinator(community)
    reader = make_member(community)  # whose passbook page is the yardstick: 100 entries
    account = ledger.household_account(reader.household_id)
    issuance = ledger.system_account(community.id, "issuance")
    with database.atomic():
        for n in range(100):
            ledger.post(community_id=community.id, code="adjustment", key=f"seed:{n}", body={"n": n}, reason="压测数据",
                        details={"content": "压测数据"}, account_ids=[account.id, issuance.id],
                        legs_for=lambda accounts: ([ledger.Leg(issuance.id, -30), ledger.Leg(account.id, 30)], None))
    category = ServiceCategory.get(ServiceCategory.code == "repairs")
    year, quarter = periods.last_ended_quarter()
    start = dt.datetime.combine(periods.quarter_bounds(year, quarter)[0], dt.time())
    with database.atomic():
        # The bench's own households, by id: a factory-made household's random invite code may begin with "B" too
        # (its account is made already: that run failed on account.household_id's UNIQUE).
        first_household = (Household.select(Household.id).order_by(Household.id.desc()).scalar() or 0) + 1
        _bulk(Household, [{"community": community.id, "name": f"家{n}", "invite_code": f"B{n:07d}", "opened_at": start}
                          for n in range(HOUSEHOLDS)])
        households = [h.id for h in Household.select(Household.id).where(Household.id >= first_household)
                      .order_by(Household.id)]
        _bulk(Member, [{"name": f"居民{n}", "handle": f"bench-m{n}", "roles": "resident", "community": community.id,
                        "household": hid, "created_at": start} for n, hid in enumerate(households)])
        members = dict(Member.select(Member.household, Member.id).where(Member.handle.startswith("bench-m")).tuples())
        volunteers = [members[hid] for hid in households[:VOLUNTEERS]]
        _bulk(Volunteer, [{"member": mid, "community": community.id, "volunteer_no": f"B-{mid}", "registered_at": start}
                          for mid in volunteers])
        _bulk(Account, [{"key": f"household:{hid}", "community": community.id, "household": hid, "kind": "household",
                         "posted_minutes": 600} for hid in households])
        accounts = dict(Account.select(Account.household, Account.id).where(Account.household.in_(households)).tuples())
        requesters = households[VOLUNTEERS::2][:PER_QUARTER]
        for offset, first in ((0, start), (1, start - dt.timedelta(days=91))):  # this quarter and the one before
            holds, asks = [], []
            for n, hid in enumerate(requesters):
                opened = first + dt.timedelta(minutes=37 * n)
                ending = ENDINGS[n % len(ENDINGS)]
                holds.append({"community": community.id, "code": "payback", "state": "posted" if ending == "credited"
                              else "voided" if ending in ("expired", "cancelled") else "pending",
                              "idempotency_key": f"payback:{offset}:{n}:hold", "body_hash": "x", "minutes": 90,
                              "posted_minutes": 60 if ending == "credited" else None, "hold_account": accounts[hid],
                              "effective_date": opened.date(), "created_at": opened})
                asks.append((hid, opened, ending))
            _bulk(Transfer, holds)
            hold_ids = [t.id for t in Transfer.select(Transfer.id).where(Transfer.idempotency_key.startswith(f"payback:{offset}:"))
                        .order_by(Transfer.id)]
            _bulk(Request, [{"community": community.id, "household": hid, "requester": members[hid],
                             "created_by": members[hid], "payback": True, "hold": hold_id, "category": category.id,
                             "description": "压测", "window_start": opened + dt.timedelta(days=2),
                             "window_end": opened + dt.timedelta(days=2, hours=3), "estimated_minutes": 90,
                             "cancelled_at": opened if ending == "cancelled" else None, "created_at": opened}
                            for (hid, opened, ending), hold_id in zip(asks, hold_ids, strict=True)])
            requests = list(Request.select(Request.id, Request.household, Request.created_at)
                            .where(Request.hold.in_(hold_ids)).order_by(Request.id).tuples())
            _bulk(Task, [{"community": community.id, "source": "payback", "request": rid, "category": category.id,
                          "title": "家电维修", "window_start": opened + dt.timedelta(days=2),
                          "window_end": opened + dt.timedelta(days=2, hours=3), "estimated_minutes": 90,
                          "priority": True, "board_order": 1, "status": ending,
                          "volunteer": volunteers[n % VOLUNTEERS] if ending == "credited" else None,
                          "claimed_at": opened + dt.timedelta(hours=1 + n % 72) if ending == "credited" else None,
                          "created_at": opened}
                         for n, ((rid, _, opened), (_, _, ending)) in enumerate(zip(requests, asks, strict=True))])
            tasks = list(Task.select(Task.id, Task.status, Task.volunteer, Task.claimed_at, Task.request)
                         .where(Task.request.in_([r[0] for r in requests])).tuples())
            household_of = {rid: hid for rid, hid, _ in requests}
            _bulk(TaskEvent, [{"task": tid, "kind": "claim" if status == "credited" else "cancel", "from_status": "open",
                               "to_status": "claimed" if status == "credited" else "cancelled",
                               "actor": volunteer or members[household_of[rid]], "volunteer": volunteer,
                               "at": claimed or clock.now()}
                              for tid, status, volunteer, claimed, rid in tasks if status in ("credited", "cancelled")])
    return {"coordinator": harness.token_for(values, Member.get_by_id(coordinator.id)),
            "reader": harness.token_for(values, Member.get_by_id(reader.id)), "community": community.id,
            "year": year, "quarter": quarter}


def main() -> int:
    tmp = harness.tempdir()
    url, values = harness.prepare_sqlite(tmp)
    print(f"seeding: {HOUSEHOLDS} households, {VOLUNTEERS} volunteers, {PER_QUARTER} payback requests a quarter …")
    world = seed(values)
    from server.db import database

    database.close()
    report = (f"/api/v1/communities/{world['community']}/redemption?year={world['year']}&quarter={world['quarter']}",
              {"Authorization": f"Bearer {world['coordinator']}"})
    passbook = ("/api/v1/me/passbook?limit=20", {"Authorization": f"Bearer {world['reader']}"})
    with harness.gunicorn(url) as port:
        status, body = harness.request(port, "GET", report[0], headers=report[1])
        assert status == 200, body
        answer = json.loads(body)
        print(f"  the quarter: {answer['opened']} requests, {answer['summary']}")
        report_latency, passbook_latency = harness.latencies(port, [report, passbook], n=60)
    print(f"  median latency: report {report_latency * 1000:.2f} ms vs passbook page {passbook_latency * 1000:.2f} ms")
    ok = harness.report("honour-rate report (issue 14)", [
        ("report latency / passbook page latency", report_latency / passbook_latency, "<= 2",
         report_latency / passbook_latency <= 2),
    ])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
