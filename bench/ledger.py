"""Ledger benchmarks (issues 3 and 17), printed as ratios measured in one run.

    python -m bench.ledger [--backend sqlite|postgresql|both]

* Passbook page of 20 for a household with 10,000 entries: latency within 1.5× of the
  same page for a household with 100 entries, and throughput at least 0.4× of the
  trivial endpoint (`GET /api/v1/health/ping`) through the same app and middleware.
* Confirm-and-credit throughput at least 0.4× of the trivial endpoint, over rounds of a fixed time: each
  round confirms records made for it, as many as the machine could ever use (from the trivial endpoint's
  rate just measured), and a client that runs out counts as an error. A round with any error fails.
* On PostgreSQL (a fresh database at 127.0.0.1:5432), confirm-and-credit again: at least 0.4× when the
  confirmations spread over 100 communities, at least 0.2× when all land in one (every posting in a
  community takes its chain head), each against the trivial endpoint of the same rounds.

Run: `make bench` or `.venv/bin/python -m bench.ledger`.
"""

import argparse
import datetime as dt
import sys

from bench import harness

BIG, SMALL = 10_000, 100
VOLUNTEERS = 600
SLOTS_PER_DAY = 8  # a volunteer's records a day: 8 × 60 minutes is DAILY_CAP_MINUTES, so every one is credited in full
ROUNDS, ROUND_SECONDS = 5, 2
# Records are seeded before each round for what it could use at most: a confirmation is never faster than the
# trivial endpoint through the same app, so this many times the trivial endpoint's rate just measured (a
# machine's speed drifts between two measurements) × the round's seconds; never fewer than MIN_RECORDS.
RECORDS_MARGIN, MIN_RECORDS = 2.0, 1_000
SPREAD = 100  # communities the PostgreSQL run spreads its confirmations over
SQLITE_GOAL = 0.4  # confirm-and-credit / trivial endpoint (issue 17 goal 4)
GOALS_PG = {"spread": 0.4, "one": 0.2}
WHERE = {"spread": f"over {SPREAD} communities", "one": "all in one community"}


def seed(values):
    """The SQLite run: two households to read passbooks of, and one community's witness and volunteers."""
    from server.db import database
    from server.models import Member
    from server.services.ledger import core as ledger
    from tests.factories import make_community, make_member

    community = make_community(name="压测社区", code="BENCH")
    big, small = make_member(community), make_member(community)
    issuance = ledger.system_account(community.id, "issuance")

    def fill(member, count):
        account = ledger.household_account(member.household_id)
        with database.atomic():
            for n in range(count):
                ledger.post(community_id=community.id, code="adjustment", key=f"seed:{member.id}:{n}", body={"n": n},
                            reason="压测数据", details={"content": "压测数据", "place": "3号楼"},
                            account_ids=[account.id, issuance.id],
                            legs_for=lambda accounts, a=account: ([ledger.Leg(issuance.id, -30), ledger.Leg(a.id, 30)], None))

    fill(big, BIG)
    fill(small, SMALL)
    return {
        "big": (big.household_id, harness.token_for(values, Member.get_by_id(big.id))),
        "small": (small.household_id, harness.token_for(values, Member.get_by_id(small.id))),
        "records": Records(values, [community], VOLUNTEERS),
    }


class Records:
    """Service records waiting for their witness's confirmation, made as many as a round asks for.

    Each community has a coordinator, a witness and its share of the volunteers. Record n goes to
    community n mod len(communities) (confirmations side by side land in different communities), and in
    it day by day back from yesterday, SLOTS_PER_DAY one-hour services a day for each volunteer; the
    volunteers take turns, so that confirmations side by side credit different households.
    """

    def __init__(self, values, communities, volunteers: int):
        from server import clock
        from server.models import Member, ServiceCategory
        from tests.factories import make_coordinator, make_member, make_volunteer

        self.groups = []
        for community in communities:
            make_coordinator(community)
            witness = make_member(community)
            token = harness.token_for(values, Member.get_by_id(witness.id))
            self.groups.append((community, witness, {"Authorization": f"Bearer {token}"},
                                [make_volunteer(community)[0] for _ in range(max(1, volunteers // len(communities)))]))
        self.category = ServiceCategory.get(ServiceCategory.code == "repairs").id
        self.today = clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
        self.made = 0

    def take(self, count: int) -> list[tuple[str, dict]]:
        """`count` new records, inserted in one transaction: (confirmation path, its witness's headers), in order."""
        from server import clock
        from server.db import database
        from server.models import ServiceRecord

        rows, callers = [], []
        for n in range(self.made, self.made + count):
            community, witness, headers, volunteers = self.groups[n % len(self.groups)]
            turn = n // len(self.groups)
            volunteer = volunteers[turn % len(volunteers)]
            day, slot = divmod(turn // len(volunteers), SLOTS_PER_DAY)
            start = self.today - dt.timedelta(days=1 + day) + dt.timedelta(hours=8 + slot)
            rows.append(dict(community=community.id, volunteer=volunteer.id,
                             volunteer_household=volunteer.household_id, recipient=witness.id,
                             recipient_household=witness.household_id, category=self.category, place="3号楼",
                             started_at=start, ended_at=start + dt.timedelta(minutes=60), duration_minutes=60,
                             content="压测服务", witness=witness.id, witness_name=witness.name,
                             source="self_report", status="reported", organiser="压测", created_at=clock.now()))
            callers.append(headers)
        self.made += count
        database.connect(reuse_if_open=True)
        try:
            with database.atomic():
                first = (ServiceRecord.select(ServiceRecord.id).order_by(ServiceRecord.id.desc()).scalar() or 0)
                for chunk in range(0, len(rows), 500):
                    ServiceRecord.insert_many(rows[chunk:chunk + 500]).execute()
                ids = [r.id for r in ServiceRecord.select(ServiceRecord.id).where(ServiceRecord.id > first)
                       .order_by(ServiceRecord.id)]
        finally:
            database.close()  # the clients fork next
        assert len(ids) == count, (len(ids), count)
        return [(f"/api/v1/service-records/{rid}/confirm", headers) for rid, headers in zip(ids, callers, strict=True)]


def confirm_round(port: int, records: Records, ping_rate: float) -> tuple[float, int, int]:
    """One round of confirmations sized by time: (req/s, errors, records made for it)."""
    paths = records.take(max(MIN_RECORDS, int(ping_rate * ROUND_SECONDS * RECORDS_MARGIN)))
    rate, failed = harness.throughput(port, "POST", paths, body={}, seconds=ROUND_SECONDS, once=True)
    return rate, failed, len(paths)


def sqlite_rows() -> list:
    tmp = harness.tempdir()
    url, values = harness.prepare_sqlite(tmp)
    print(f"seeding (sqlite): households with {BIG} and {SMALL} entries, {VOLUNTEERS} volunteers whose records are "
          f"made before each round …")
    world = seed(values)
    from server.db import database

    database.close()
    big_id, big_token = world["big"]
    small_id, small_token = world["small"]
    headers = {"Authorization": f"Bearer {big_token}"}
    ping = passbook = confirms = 0.0
    errors = confirm_errors = failed_rounds = records = 0
    with harness.gunicorn(url) as port:
        # Alternating rounds: background load on this machine falls on baseline and candidates alike.
        for _ in range(ROUNDS):
            ping_rate, _ = harness.throughput(port, "GET", ["/api/v1/health/ping"], seconds=ROUND_SECONDS)
            ping += ping_rate / ROUNDS
            rate, failed = harness.throughput(port, "GET", [f"/api/v1/households/{big_id}/passbook?limit=20"],
                                              headers=headers, seconds=ROUND_SECONDS)
            passbook += rate / ROUNDS
            errors += failed
            rate, failed, made = confirm_round(port, world["records"], ping_rate)
            confirms += rate / ROUNDS
            confirm_errors += failed
            failed_rounds += bool(failed)
            records += made
        big_latency, small_latency = harness.latencies(port, [
            (f"/api/v1/households/{big_id}/passbook?limit=20", headers),
            (f"/api/v1/households/{small_id}/passbook?limit=20", {"Authorization": f"Bearer {small_token}"})])
    print(f"  trivial endpoint: {ping:.0f} req/s; passbook (10k entries): {passbook:.0f} req/s ({errors} errors); "
          f"confirm+credit: {confirms:.0f} req/s ({confirm_errors} errors, {records} records made for "
          f"{ROUNDS} rounds of {ROUND_SECONDS} s)")
    print(f"  passbook first-page median latency: {big_latency * 1000:.2f} ms (10k entries) vs "
          f"{small_latency * 1000:.2f} ms (100 entries)")
    return [
        ("passbook latency, 10k entries / 100 entries (sqlite)", big_latency / small_latency, "<= 1.5",
         big_latency / small_latency <= 1.5),
        ("passbook throughput / trivial endpoint (sqlite)", passbook / ping, ">= 0.4",
         passbook / ping >= 0.4 and not errors),
        ("confirm-and-credit throughput / trivial endpoint (sqlite)", confirms / ping, f">= {SQLITE_GOAL}",
         confirms / ping >= SQLITE_GOAL and not confirm_errors),
        (f"confirm-and-credit rounds with any error, of {ROUNDS} (sqlite)", failed_rounds, "= 0", not failed_rounds),
    ]


def postgres_rows() -> list:
    """Confirmations on PostgreSQL, spread over SPREAD communities and all in one, in alternating rounds
    against the trivial endpoint (issue 17 goal 4)."""
    from tests.factories import make_community

    url, values = harness.prepare_postgres()
    try:
        print(f"seeding (postgresql): {SPREAD} communities with {VOLUNTEERS // SPREAD} volunteers each, and one "
              f"with {VOLUNTEERS} …")
        spread = Records(values, [make_community(name=f"压测社区{n}", code=f"BS{n:03d}") for n in range(SPREAD)],
                         VOLUNTEERS)
        one = Records(values, [make_community(name="压测单社区", code="BONE")], VOLUNTEERS)
        from server.db import database

        database.close()
        ping = 0.0
        figures = {name: {"rate": 0.0, "errors": 0, "failed_rounds": 0, "records": 0} for name in GOALS_PG}
        with harness.gunicorn(url) as port:
            for _ in range(ROUNDS):
                ping_rate, _ = harness.throughput(port, "GET", ["/api/v1/health/ping"], seconds=ROUND_SECONDS)
                ping += ping_rate / ROUNDS
                for name, records in (("spread", spread), ("one", one)):
                    rate, failed, made = confirm_round(port, records, ping_rate)
                    figure = figures[name]
                    figure["rate"] += rate / ROUNDS
                    figure["errors"] += failed
                    figure["failed_rounds"] += bool(failed)
                    figure["records"] += made
    finally:
        harness.release_postgres(url)
    print(f"  trivial endpoint: {ping:.0f} req/s; " + "; ".join(
        f"confirm+credit {WHERE[name]}: {f['rate']:.0f} req/s ({f['errors']} errors, {f['records']} records)"
        for name, f in figures.items()))
    rows = []
    for name, goal in GOALS_PG.items():
        figure = figures[name]
        rows += [
            (f"confirm-and-credit / trivial endpoint, {WHERE[name]} (postgresql)", figure["rate"] / ping,
             f">= {goal}", figure["rate"] / ping >= goal and not figure["errors"]),
            (f"confirm-and-credit rounds with any error, {WHERE[name]} (postgresql)", figure["failed_rounds"],
             "= 0", not figure["failed_rounds"]),
        ]
    return rows


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args(argv)
    rows = []
    if args.backend in ("sqlite", "both"):
        rows += sqlite_rows()
    if args.backend in ("postgresql", "both"):
        rows += postgres_rows()
    return 0 if harness.report("ledger (issues 3, 17)", rows) else 1


if __name__ == "__main__":
    sys.exit(main())
