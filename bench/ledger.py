"""Ledger benchmarks (issue 3), printed as ratios measured in one run.

* Passbook page of 20 for a household with 10,000 entries: latency within 1.5× of the
  same page for a household with 100 entries, and throughput at least 0.4× of the
  trivial endpoint (`GET /api/v1/health/ping`) through the same app and middleware.
* Confirm-and-credit throughput at least 0.3× of the trivial endpoint, over rounds of a fixed time: each
  round confirms records made for it, as many as the machine could ever use (from the trivial endpoint's
  rate just measured), and a client that runs out counts as an error. A round with any error fails.

Run: `make bench` or `.venv/bin/python -m bench.ledger`.
"""

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


def seed(values):
    from server.db import database
    from server.models import Household, Member
    from server.services.ledger import core as ledger
    from server.services.people import core as people
    from tests.factories import make_community, make_coordinator, make_member, make_volunteer

    community = make_community(name="压测社区", code="BENCH")
    coordinator = make_coordinator(community)
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

    witness = make_member(community)
    volunteers = [make_volunteer(community)[0] for _ in range(VOLUNTEERS)]
    assert Household.select().count() >= 3 and people and coordinator
    return {
        "big": (big.household_id, harness.token_for(values, Member.get_by_id(big.id))),
        "small": (small.household_id, harness.token_for(values, Member.get_by_id(small.id))),
        "witness": harness.token_for(values, Member.get_by_id(witness.id)),
        "records": Records(community, witness, volunteers),
    }


class Records:
    """Service records waiting for the witness's confirmation, made as many as a round asks for.

    Day by day back from yesterday, SLOTS_PER_DAY one-hour services a day for each volunteer; in a
    batch the volunteers take turns, so that confirmations side by side credit different households.
    """

    def __init__(self, community, witness, volunteers):
        from server import clock
        from server.models import ServiceCategory

        self.community, self.witness, self.volunteers = community, witness, volunteers
        self.category = ServiceCategory.get(ServiceCategory.code == "repairs").id
        self.today = clock.now().replace(hour=0, minute=0, second=0, microsecond=0)
        self.made = 0

    def take(self, count: int) -> list[int]:
        """`count` new records, inserted in one transaction; their ids in the order made."""
        from server import clock
        from server.db import database
        from server.models import ServiceRecord

        rows = []
        for n in range(self.made, self.made + count):
            volunteer = self.volunteers[n % len(self.volunteers)]
            day, slot = divmod(n // len(self.volunteers), SLOTS_PER_DAY)
            start = self.today - dt.timedelta(days=1 + day) + dt.timedelta(hours=8 + slot)
            rows.append(dict(community=self.community.id, volunteer=volunteer.id,
                             volunteer_household=volunteer.household_id, recipient=self.witness.id,
                             recipient_household=self.witness.household_id, category=self.category, place="3号楼",
                             started_at=start, ended_at=start + dt.timedelta(minutes=60), duration_minutes=60,
                             content="压测服务", witness=self.witness.id, witness_name=self.witness.name,
                             source="self_report", status="reported", organiser="压测", created_at=clock.now()))
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
        return ids


def main() -> int:
    tmp = harness.tempdir()
    url, values = harness.prepare_sqlite(tmp)
    print(f"seeding: households with {BIG} and {SMALL} entries, {VOLUNTEERS} volunteers whose records are made "
          f"before each round …")
    world = seed(values)
    from server.db import database

    database.close()
    big_id, big_token = world["big"]
    small_id, small_token = world["small"]
    headers = {"Authorization": f"Bearer {big_token}"}
    witness = {"Authorization": f"Bearer {world['witness']}"}
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
            ids = world["records"].take(max(MIN_RECORDS, int(ping_rate * ROUND_SECONDS * RECORDS_MARGIN)))
            records += len(ids)
            rate, failed = harness.throughput(port, "POST", [f"/api/v1/service-records/{rid}/confirm" for rid in ids],
                                              body={}, headers=witness, seconds=ROUND_SECONDS, once=True)
            confirms += rate / ROUNDS
            confirm_errors += failed
            failed_rounds += bool(failed)
        big_latency, small_latency = harness.latencies(port, [
            (f"/api/v1/households/{big_id}/passbook?limit=20", headers),
            (f"/api/v1/households/{small_id}/passbook?limit=20", {"Authorization": f"Bearer {small_token}"})])
    print(f"  trivial endpoint: {ping:.0f} req/s; passbook (10k entries): {passbook:.0f} req/s ({errors} errors); "
          f"confirm+credit: {confirms:.0f} req/s ({confirm_errors} errors, {records} records made for "
          f"{ROUNDS} rounds of {ROUND_SECONDS} s)")
    print(f"  passbook first-page median latency: {big_latency * 1000:.2f} ms (10k entries) vs "
          f"{small_latency * 1000:.2f} ms (100 entries)")
    ok = harness.report("ledger (issue 3)", [
        ("passbook latency, 10k entries / 100 entries", big_latency / small_latency, "<= 1.5",
         big_latency / small_latency <= 1.5),
        ("passbook throughput / trivial endpoint", passbook / ping, ">= 0.4", passbook / ping >= 0.4 and not errors),
        ("confirm-and-credit throughput / trivial endpoint", confirms / ping, ">= 0.3",
         confirms / ping >= 0.3 and not confirm_errors),
        (f"confirm-and-credit rounds with any error (of {ROUNDS})", failed_rounds, "= 0", not failed_rounds),
    ])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
