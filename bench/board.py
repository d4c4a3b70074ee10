"""Task board benchmark (issue 4), printed as ratios measured in one run.

* Board listing with 10,000 open tasks and 5,000 volunteers: throughput at least 0.4×
  the trivial endpoint (`GET /api/v1/health/ping`) through the same app.
* The first page's latency with 10,000 open tasks within 1.5× of that with 100.

Both communities are in one exchange network (通存通兑), and some payback tasks of each are opened to it, so
each reader's board is its own community's open tasks and the other's opened ones (one query, two ordered
index reads: server/services/board/core.py).

Run: `make bench` or `.venv/bin/python -m bench.board`.
"""

import datetime as dt
import sys

from bench import harness

TASKS, SMALL_TASKS, VOLUNTEERS = 10_000, 100, 5_000


def seed(values):
    from server import clock
    from server.db import database
    from server.models import Household, Member, ServiceCategory, Task, Volunteer, VolunteerIntention
    from server.services.ledger import networks
    from tests.factories import make_community, make_member, make_volunteer

    now = clock.now().replace(microsecond=0)
    big, small = make_community(name="大社区", code="BIG"), make_community(name="小社区", code="SMALL")
    network = networks.create(None, name="压测街道", kind="街道", community_ids=[big.id, small.id])
    category = ServiceCategory.get(ServiceCategory.code == "repairs")
    readers = {}
    for community in (big, small):
        member, _ = make_volunteer(community)
        readers[community.id] = harness.token_for(values, Member.get_by_id(member.id))
    resident = {c.id: make_member(c) for c in (big, small)}
    with database.atomic():
        # 5,000 volunteers in the big community, inserted in bulk (the board query never scans them).
        base = Member.select().count()
        members = [{"name": f"志愿者{n}", "handle": f"bench-v{n}", "roles": "resident,volunteer", "community": big.id,
                    "household": resident[big.id].household_id, "created_at": now} for n in range(VOLUNTEERS)]
        for chunk in range(0, len(members), 500):
            Member.insert_many(members[chunk:chunk + 500]).execute()
        ids = [m.id for m in Member.select(Member.id).where(Member.id > base, Member.handle.startswith("bench-v"))]
        for chunk in range(0, len(ids), 500):
            Volunteer.insert_many([{"member": mid, "community": big.id, "volunteer_no": f"B-{mid}",
                                    "registered_at": now} for mid in ids[chunk:chunk + 500]]).execute()
        vids = [v.id for v in Volunteer.select(Volunteer.id).where(Volunteer.volunteer_no.startswith("B-"))]
        for chunk in range(0, len(vids), 500):
            VolunteerIntention.insert_many([{"volunteer": vid, "category": category.id}
                                            for vid in vids[chunk:chunk + 500]]).execute()
        for community, count in ((big, TASKS), (small, SMALL_TASKS)):
            household = Household.get_by_id(resident[community.id].household_id)
            rows = []
            for n in range(count):
                start = now + dt.timedelta(hours=1 + n % 200)
                rows.append({"community": community.id, "source": "request", "category": category.id,
                             "title": "家电维修", "description": "洗衣机不排水", "area": "东区", "building": "3号楼",
                             "place": "3号楼2单元301", "window_start": start, "window_end": start + dt.timedelta(hours=3),
                             "estimated_minutes": 60, "urgency": "urgent" if n % 7 == 0 else "normal",
                             "priority": n % 50 == 0, "board_order": (0 if n % 50 == 0 else 2) + (0 if n % 7 == 0 else 1),
                             "recipient": resident[community.id].id, "recipient_household": household.id,
                             # every payback of the small community, one in ten of the big one's: opened to the network
                             "network": network.id if n % 50 == 0 and (community is small or n % 500 == 0) else None,
                             "status": "open", "created_at": now - dt.timedelta(minutes=n)})
            for chunk in range(0, len(rows), 500):
                Task.insert_many(rows[chunk:chunk + 500]).execute()
    return {"big": readers[big.id], "small": readers[small.id]}


def main() -> int:
    tmp = harness.tempdir()
    url, values = harness.prepare_sqlite(tmp)
    print(f"seeding: {TASKS} open tasks and {VOLUNTEERS} volunteers; a second community with {SMALL_TASKS} tasks …")
    tokens = seed(values)
    from server.db import database

    database.close()
    big = {"Authorization": f"Bearer {tokens['big']}"}
    small = {"Authorization": f"Bearer {tokens['small']}"}
    rounds, ping, boards, errors = 3, 0.0, 0.0, 0
    with harness.gunicorn(url) as port:
        for _ in range(rounds):
            rate, _ = harness.throughput(port, "GET", ["/api/v1/health/ping"], seconds=2)
            ping += rate / rounds
            rate, failed = harness.throughput(port, "GET", ["/api/v1/tasks?limit=20"], headers=big, seconds=2)
            boards += rate / rounds
            errors += failed
        big_latency, small_latency = harness.latencies(port, [("/api/v1/tasks?limit=20", big),
                                                              ("/api/v1/tasks?limit=20", small)])
    print(f"  trivial endpoint: {ping:.0f} req/s; board (10k open tasks): {boards:.0f} req/s ({errors} errors)")
    print(f"  board first-page median latency: {big_latency * 1000:.2f} ms (10k tasks) vs "
          f"{small_latency * 1000:.2f} ms (100 tasks)")
    ok = harness.report("task board (issue 4)", [
        ("board throughput / trivial endpoint", boards / ping, ">= 0.4", boards / ping >= 0.4 and not errors),
        ("board latency, 10k tasks / 100 tasks", big_latency / small_latency, "<= 1.5", big_latency / small_latency <= 1.5),
    ])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
