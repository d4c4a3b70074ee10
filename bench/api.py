"""The mini-program's everyday reads against the trivial endpoint, on SQLite and on PostgreSQL (issue 17).

    python -m bench.api [--backend sqlite|postgresql|both]

Through gunicorn as in production (`harness.gunicorn`, two workers), the same demo-sized data on both
backends: `/api/v1/me` (every mini-program start), the household's passbook page and the task board,
each as a ratio to `GET /api/v1/health/ping` measured in the same alternating rounds. PostgreSQL is a
fresh database at 127.0.0.1:5432 under its plain `postgresql://` URL, which is pooled (issue 17 goal 1:
unpooled, the trivial endpoint ran at a seventh of SQLite's speed).

Goals: `/me` ≥ 0.6× the trivial endpoint (issue 17 goal 3) and the passbook page ≥ 0.5× (goal 2), on both
backends. The board is printed for comparison with bench/board.py, which holds its goal.
"""

import argparse
import sys

from bench import harness

ROUNDS, SECONDS = 3, 2
ENTRIES, TASKS = 100, 100
ME_GOAL, PASSBOOK_GOAL = 0.6, 0.5  # issue 17 goals 3 and 2


def seed(values) -> str:
    """A volunteer in a household with ENTRIES passbook lines, a board of TASKS open tasks; their token."""
    from server.db import database
    from server.models import Member
    from server.services.ledger import core as ledger
    from tests.factories import make_community, make_member, make_request, make_volunteer

    community = make_community(name="压测社区", code="API")
    member, _ = make_volunteer(community)
    account = ledger.household_account(member.household_id)
    issuance = ledger.system_account(community.id, "issuance")
    with database.atomic():
        for n in range(ENTRIES):
            ledger.post(community_id=community.id, code="adjustment", key=f"seed:{n}", body={"n": n}, reason="压测数据",
                        details={"content": "压测数据", "place": "3号楼"}, account_ids=[account.id, issuance.id],
                        legs_for=lambda accounts: ([ledger.Leg(issuance.id, -30), ledger.Leg(account.id, 30)], None))
    resident = make_member(community)
    for _ in range(TASKS):
        make_request(resident)
    return harness.token_for(values, Member.get_by_id(member.id))


def measure(backend: str) -> dict:
    from server.db import database

    if backend == "sqlite":
        url, values = harness.prepare_sqlite(harness.tempdir())
    else:
        url, values = harness.prepare_postgres()
    try:
        token = seed(values)
        database.close()
        headers = {"Authorization": f"Bearer {token}"}
        paths = {"ping": "/api/v1/health/ping", "me": "/api/v1/me", "passbook": "/api/v1/me/passbook",
                 "tasks": "/api/v1/tasks"}
        rates, errors = dict.fromkeys(paths, 0.0), 0
        with harness.gunicorn(url) as port:
            for _ in range(ROUNDS):
                for name, path in paths.items():
                    rate, failed = harness.throughput(port, "GET", [path], headers=headers, seconds=SECONDS)
                    rates[name] += rate / ROUNDS
                    errors += failed
        return {"rates": rates, "errors": errors}
    finally:
        if backend != "sqlite":
            harness.release_postgres(url)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    args = parser.parse_args(argv)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    rows = []
    for backend in backends:
        print(f"seeding ({backend}): a household with {ENTRIES} passbook lines, {TASKS} open tasks …")
        r = measure(backend)
        rates = r["rates"]
        ping = rates["ping"]
        print(f"  {backend}: trivial endpoint {ping:,.0f} req/s; "
              + "; ".join(f"{name} {rate:,.0f} req/s ({rate / ping:.2f}×)" for name, rate in rates.items()
                          if name != "ping") + f" ({r['errors']} errors)")
        rows.append((f"/me / trivial endpoint ({backend})", rates["me"] / ping, f">= {ME_GOAL}",
                     rates["me"] / ping >= ME_GOAL and not r["errors"]))
        rows.append((f"passbook page / trivial endpoint ({backend})", rates["passbook"] / ping, f">= {PASSBOOK_GOAL}",
                     rates["passbook"] / ping >= PASSBOOK_GOAL and not r["errors"]))
    ok = harness.report("everyday reads (issue 17)", rows)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
