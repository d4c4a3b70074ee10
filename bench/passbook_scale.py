"""The passbook page stays flat as the ledger grows (issue 17 goal 2), on SQLite and on PostgreSQL.

    python -m bench.passbook_scale [--backend sqlite|postgresql|both] [--scale F]

Two databases side by side, each served by gunicorn (two workers): a small one (one community of 100
entries) and a city seeded by bench/city.py's generator (COPY on PostgreSQL; executemany in one
transaction on SQLite) in which the household's community holds `1,000,000 × F` entries and the database
`10,000,000 × F`. The same household's first passbook page (household 1, community 1, its head's token)
is asked of both, alternately, one request at a time; the goal is median latency big / small ≤ 1.2.

At F = 1 (the issue's figures) the seeding takes a long while on a small machine; the default F comes
from BENCH_PASSBOOK_SCALE (0.1 when unset: 100,000 entries in the community, 1,000,000 in the database),
and the line printed says which F was measured.
"""

import argparse
import os
import random
import sqlite3
import statistics
import sys
import time
from contextlib import ExitStack

from bench import city, harness

GOAL = 1.2
ROUNDS = 300
HEAVY = 0.1  # community 1's share of the database's entries: 1,000,000 of 10,000,000
SMALL = city.Size(communities=1, households=3, volunteers=1, entries=100)


class SqliteSink:
    """bench.city's rows into SQLite: one executemany per table and chunk, in the caller's transaction."""

    def __init__(self, conn):
        self.conn, self.buffers, self.counts = conn, {}, {}

    def add(self, table, columns, row):
        self.buffers.setdefault(table, (columns, []))[1].append(
            tuple(str(v) if hasattr(v, "isoformat") else v for v in row))
        if len(self.buffers[table][1]) >= city.CHUNK:
            self._flush(table)

    add_plain = add

    def _flush(self, table):
        columns, rows = self.buffers.pop(table)
        self.conn.executemany(f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({", ".join("?" * len(columns))})',
                              rows)
        self.counts[table] = self.counts.get(table, 0) + len(rows)

    def flush(self):
        for table in list(self.buffers):
            self._flush(table)


def seed_sqlite(path, size: city.Size, heavy: float) -> dict:
    from server import clock
    from server.db import database
    from server.models import ServiceCategory

    category_id = ServiceCategory.select(ServiceCategory.id).order_by(ServiceCategory.id).scalar()
    database.close()
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("BEGIN")
        made = city.seed(SqliteSink(conn), size, today=clock.today(), category_id=category_id,
                         rng=random.Random(17), heavy=heavy)
        conn.execute("COMMIT")
        conn.execute("ANALYZE")
    finally:
        conn.close()
    return made


def world(backend: str, size: city.Size, heavy: float):
    """A migrated, seeded database; its URL and settings."""
    if backend == "sqlite":
        url, values = harness.prepare_sqlite(harness.tempdir())
        made = seed_sqlite(url[len("sqlite:///"):], size, heavy)
    else:
        url, values = city.prepare(None)
        made = city.load(url, size, heavy=heavy)
    return url, values, made


def token(values) -> tuple[str, int]:
    """Household 1's head's token, and how many entries its community (1) holds."""
    from server.db import database
    from server.models import Entry, Member

    member = Member.get_by_id(1)
    community_entries = Entry.select().where(Entry.community == 1).count()
    database.close()
    return harness.token_for(values, member), community_entries


def measure(backend: str, scale: float) -> tuple[float, float, int, int]:
    big_size = city.Size.at(scale)
    from server.db import database

    urls, tokens, counts = [], [], []
    try:
        for size, heavy in ((SMALL, 0.0), (big_size, HEAVY)):
            start = time.perf_counter()
            url, values, made = world(backend, size, heavy)
            urls.append(url)
            minted, community_entries = token(values)
            tokens.append(minted)
            counts.append((made["entries"], community_entries))
            print(f"  {backend}: seeded {made['entries']:,} entries ({community_entries:,} in the household's "
                  f"community) in {time.perf_counter() - start:.1f} s")
        path = "/api/v1/households/1/passbook?limit=20"
        samples = ([], [])
        with ExitStack() as stack:
            ports = [stack.enter_context(harness.gunicorn(url)) for url in urls]
            for round_ in range(ROUNDS + 20):
                for n, port in enumerate(ports):
                    began = time.perf_counter()
                    status, _ = harness.request(port, "GET", path, headers={"Authorization": f"Bearer {tokens[n]}"})
                    elapsed = time.perf_counter() - began
                    assert status == 200, status
                    if round_ >= 20:
                        samples[n].append(elapsed)
        return statistics.median(samples[0]), statistics.median(samples[1]), counts[1][1], counts[1][0]
    finally:
        if backend != "sqlite":
            if not database.is_closed():
                database.close()
            for url in urls:
                city.close_database(url, drop=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_PASSBOOK_SCALE", "0.1")))
    args = parser.parse_args(argv)
    backends = ["sqlite", "postgresql"] if args.backend == "both" else [args.backend]
    rows = []
    for backend in backends:
        print(f"passbook page, 100 entries vs a city at scale {args.scale:g} ({backend}) …")
        small, big, community_entries, entries = measure(backend, args.scale)
        print(f"  median first page: {small * 1000:.2f} ms (100 entries) vs {big * 1000:.2f} ms "
              f"({community_entries:,} in the community, {entries:,} in the database)")
        rows.append((f"passbook latency, {community_entries:,} / 100 entries ({backend})", big / small, f"<= {GOAL}",
                     big / small <= GOAL))
    ok = harness.report(f"passbook flat at scale (issue 17 goal 2), scale {args.scale:g}", rows)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
