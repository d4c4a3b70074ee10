"""Redemption benchmarks (issue 14), printed as ratios measured in one run.

A community of 10,000 households (20,000 residents) and 3,000 active volunteers with a year of
credited service and of payback behind it. Each endpoint in ENDPOINTS answers within 2× the
passbook page's median latency (`GET /api/v1/households/{id}/passbook?limit=20`, a household with
100 entries), both measured one request at a time, interleaved, for the same number of seconds.
Any answer other than 200 fails the run.

Run: `make bench` or `.venv/bin/python -m bench.redemption`.
"""

import datetime as dt
import statistics
import sys
import time

from bench import harness

HOUSEHOLDS, MEMBERS_PER_HOUSEHOLD, VOLUNTEERS = 10_000, 2, 3_000
RECORDS_PER_VOLUNTEER, PAYBACKS, PASSBOOK_ENTRIES = 12, 2_000, 100
GOAL = 2.0
SECONDS, WARM_UP_SECONDS = 12.0, 2.0
# (name, path) measured against the passbook page; {community}, {year} and {quarter} are filled in.
ENDPOINTS = [
    ("outlook (兑付能力预警)", "/api/v1/communities/{community}/outlook"),
    ("redemption report (兑付率)", "/api/v1/communities/{community}/redemption?year={year}&quarter={quarter}"),
]


def _insert(model, rows):
    for chunk in range(0, len(rows), 500):
        model.insert_many(rows[chunk:chunk + 500]).execute()


def seed(values):
    """Bulk inserts (the endpoints only read): households with accounts, residents born 1935–2004,
    volunteers with a credited service a month, payback holds posted over the last year."""
    from server import clock
    from server.db import database
    from server.models import (
        Account,
        HardshipPeriod,
        Household,
        Member,
        Request,
        ServiceCategory,
        ServiceRecord,
        Transfer,
        Volunteer,
    )
    from server.services.ledger import core as ledger
    from tests.factories import make_community, make_coordinator, make_member

    community = make_community(name="压测兑付社区", code="REDEEM")
    coordinator = make_coordinator(community)
    reader = make_member(community)
    account = ledger.household_account(reader.household_id)
    issuance = ledger.system_account(community.id, "issuance")
    with database.atomic():
        for n in range(PASSBOOK_ENTRIES):
            ledger.post(community_id=community.id, code="adjustment", key=f"seed:{reader.id}:{n}", body={"n": n},
                        reason="压测数据", details={"content": "压测数据", "place": "3号楼"},
                        account_ids=[account.id, issuance.id],
                        legs_for=lambda accounts: ([ledger.Leg(issuance.id, -30), ledger.Leg(account.id, 30)], None))

    now = clock.now().replace(microsecond=0)
    today = now.date()
    category = ServiceCategory.get(ServiceCategory.code == "repairs")
    with database.atomic():
        first_household = (Household.select(Household.id).order_by(Household.id.desc()).scalar() or 0) + 1
        _insert(Household, [{"community": community.id, "name": f"压测{n}户", "invite_code": f"RD{n:08d}",
                             "opened_at": now} for n in range(HOUSEHOLDS)])
        households = [h.id for h in Household.select(Household.id).where(Household.id >= first_household,
                                                                         Household.invite_code.startswith("RD"))]
        _insert(Account, [{"key": f"household:{h}", "community": community.id, "household": h, "kind": "household",
                           "posted_minutes": (n * 37) % 6000, "opened_at": now} for n, h in enumerate(households)])
        _insert(Member, [{"community": community.id, "household": h, "name": f"居民{n}-{k}", "handle": f"rd-{n}-{k}",
                          "roles": "resident", "birth_date": dt.date(1935 + (n * 7 + k * 31) % 70, 1 + n % 12, 1 + n % 28),
                          "is_head": k == 0, "created_at": now}
                         for n, h in enumerate(households) for k in range(MEMBERS_PER_HOUSEHOLD)])
        young = [m for m in Member.select(Member.id, Member.household).where(
            Member.handle.startswith("rd-"), Member.birth_date >= dt.date(1950, 1, 1)).order_by(Member.id)]
        chosen = young[::max(1, len(young) // VOLUNTEERS)][:VOLUNTEERS]
        _insert(Volunteer, [{"member": m.id, "community": community.id, "volunteer_no": f"RD-{m.id}",
                             "status": "active" if n % 50 else "retired", "retired_reason": None if n % 50 else "age",
                             "registered_at": now} for n, m in enumerate(chosen)])
        records = []
        for n, m in enumerate(chosen):
            for month in range(RECORDS_PER_VOLUNTEER):
                start = now.replace(hour=9, minute=0, second=0) - dt.timedelta(days=1 + month * 30 + n % 7)
                minutes = 60 + 30 * ((n + month) % 5)
                records.append({"community": community.id, "volunteer": m.id, "volunteer_household": m.household_id,
                                "category": category.id, "place": "3号楼", "started_at": start,
                                "ended_at": start + dt.timedelta(minutes=minutes), "duration_minutes": minutes,
                                "credited_minutes": minutes, "content": "压测服务", "source": "task",
                                "status": "credited", "created_at": now})
        _insert(ServiceRecord, records)
        requesters = Member.select(Member.id, Member.household).where(
            Member.handle.startswith("rd-"), Member.birth_date < dt.date(1960, 1, 1)).order_by(Member.id).limit(PAYBACKS)
        accounts = {a.household_id: a.id for a in Account.select(Account.id, Account.household)
                    .where(Account.community == community.id, Account.household.is_null(False))}
        requesters = list(requesters)
        _insert(Transfer, [{"community": community.id, "code": "payback", "state": "posted",
                            "idempotency_key": f"bench:payback:{n}", "body_hash": "0" * 64, "minutes": 120,
                            "posted_minutes": 90, "hold_account": accounts[m.household_id],
                            "effective_date": today - dt.timedelta(days=n % 360), "created_at": now, "resolved_at": now}
                           for n, m in enumerate(requesters)])
        holds = {t.idempotency_key: t.id for t in Transfer.select(Transfer.id, Transfer.idempotency_key)
                 .where(Transfer.idempotency_key.startswith("bench:payback:"))}
        _insert(Request, [{"community": community.id, "household": m.household_id, "requester": m.id,
                           "created_by": m.id, "payback": True, "hold": holds[f"bench:payback:{n}"],
                           "category": category.id, "description": "压测回馈", "window_start": now,
                           "window_end": now + dt.timedelta(hours=2), "estimated_minutes": 120, "created_at": now}
                          for n, m in enumerate(requesters)])
        _insert(HardshipPeriod, [{"member": m.id, "community": community.id, "reason": "孤寡", "started_by": coordinator.id,
                                  "started_at": now} for m in young[1::97]])
    return {"community": community.id, "household": reader.household_id,
            "coordinator": harness.token_for(values, Member.get_by_id(coordinator.id)),
            "reader": harness.token_for(values, Member.get_by_id(reader.id))}


def timed(port: int, requests: list[tuple[str, dict]], seconds: float, warm_up: float):
    """Median seconds of each (path, headers), one request at a time, interleaved, for `seconds` after a
    warm-up of `warm_up` seconds (so load and caches fall on all alike); and the answers that were not 200."""
    samples, errors = [[] for _ in requests], []
    started = time.perf_counter()
    while time.perf_counter() - started < warm_up + seconds:
        warming = time.perf_counter() - started < warm_up
        for index, (path, headers) in enumerate(requests):
            start = time.perf_counter()
            status, body = harness.request(port, "GET", path, headers=headers)
            elapsed = time.perf_counter() - start
            if status != 200:
                errors.append(f"{path}: {status} {body[:200]!r}")
            elif not warming:
                samples[index].append(elapsed)
    return [statistics.median(s) if s else float("inf") for s in samples], [len(s) for s in samples], errors


def main() -> int:
    tmp = harness.tempdir()
    url, values = harness.prepare_sqlite(tmp)
    print(f"seeding: {HOUSEHOLDS} households, {HOUSEHOLDS * MEMBERS_PER_HOUSEHOLD} residents, {VOLUNTEERS} volunteers "
          f"with {RECORDS_PER_VOLUNTEER} services each, {PAYBACKS} paybacks …")
    started = time.perf_counter()
    world = seed(values)
    print(f"  seeded in {time.perf_counter() - started:.1f} s")
    from server import clock
    from server.db import database

    database.close()
    today = clock.today()
    fill = {"community": world["community"], "year": today.year, "quarter": (today.month - 1) // 3 + 1}
    staff = {"Authorization": f"Bearer {world['coordinator']}"}
    passbook = (f"/api/v1/households/{world['household']}/passbook?limit=20",
                {"Authorization": f"Bearer {world['reader']}"})
    with harness.gunicorn(url) as port:
        cold = []
        for _, path in ENDPOINTS:  # the first answer of a process, made from scratch (not a goal: told)
            start = time.perf_counter()
            harness.request(port, "GET", path.format(**fill), headers=staff)
            cold.append(time.perf_counter() - start)
        medians, counts, errors = timed(port, [passbook] + [(path.format(**fill), staff) for _, path in ENDPOINTS],
                                        SECONDS, WARM_UP_SECONDS)
    print(f"  passbook page ({PASSBOOK_ENTRIES} entries): {medians[0] * 1000:.2f} ms median over {counts[0]} requests")
    for (name, _), median, count, first in zip(ENDPOINTS, medians[1:], counts[1:], cold, strict=True):
        print(f"  {name}: {median * 1000:.2f} ms median over {count} requests (the first, made from scratch: "
              f"{first * 1000:.0f} ms)")
    for error in errors[:5]:
        print(f"  error: {error}")
    ok = harness.report("redemption (issue 14)", [
        (f"{name} / passbook latency", median / medians[0], f"<= {GOAL:g}", median / medians[0] <= GOAL and not errors)
        for (name, _), median in zip(ENDPOINTS, medians[1:], strict=True)])
    if errors:
        print(f"  FAIL: {len(errors)} answers were not 200")
    return 0 if ok and not errors else 1


if __name__ == "__main__":
    sys.exit(main())
