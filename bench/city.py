"""A city on PostgreSQL, seeded fast with COPY, and the station's heavy jobs timed at its size (issue 17 goal 7).

    python -m bench.city [--url postgresql://…/db] [--scale F] [--keep]

At scale 1: 1,000 communities, 300,000 households (one member each), 100,000 volunteers among them,
10,000,000 ledger entries (5,000,000 two-leg transfers: service credits, each with its credited service
record, and paybacks of hours a household has), spread over the last 365 days. `--scale 0.001` is a
quick run (1 community per 1,000 … at least 2 communities).

The rows are made in Python while they stream to PostgreSQL through `COPY … FROM STDIN` (psycopg2's
copy_expert), as the ledger itself would have made them: every leg's balance after it, each
community's hash chain (`core.entry_hash`, seq 1, 2, 3 …), legs summing to zero per transfer and per
community, cached account balances, chain heads and volunteers' yearly totals. The rows are loaded with
`session_replication_role = replica` (no triggers, no foreign-key checks, row by row): nothing vouches
for them but the verifier, which is the point — the bench fails if `verify-ledger` finds anything.

Then it times, each printed with its goal and PASS/FAIL (harness.report):
  * the monthly close (每月汇总登记) of every household for last month, by the scheduled job
    (`monthly_close.close_last_month`: communities closed side by side in processes)   < 60 s
  * the quarterly audit of one community (the last quarter that ended)               < 5 s
  * the half-year report (半年报) of one community                                    < 10 s
  * verify-ledger of one community                                                   < 10 s
  * verify-ledger of the whole database, with its rate in entries/s                  < 10 min
A community holds 10,000 entries at every scale (communities scale with the entries), so the
one-community figures are measured at the city's size whatever the scale; the whole-city figures
(close, verify) are measured at the scale asked and judged as measured divided by the scale (they grow
linearly with the rows), which the report says on their line.

Without `--url`, a database `pgcity_<random>` is made at 127.0.0.1:5432 and dropped at the end (unless
`--keep`); with `--url`, the database named must exist and be empty (it is migrated).
"""

import argparse
import datetime as dt
import io
import json
import os
import random
import sys
import time
import uuid
from dataclasses import dataclass

from bench import harness

ADMIN_DSN = "host=127.0.0.1 port=5432 user=postgres dbname=test"
FULL = {"communities": 1_000, "households": 300_000, "volunteers": 100_000, "entries": 10_000_000}
GOALS = {"close": 60.0, "audit": 5.0, "report": 10.0, "verify_one": 10.0, "verify_all": 600.0}
DAYS = 365
CHUNK = 100_000  # rows per COPY
PAYBACK_SHARE = 0.25  # of transfers, when the household has the hours


@dataclass(frozen=True)
class Size:
    communities: int
    households: int
    volunteers: int
    entries: int

    @classmethod
    def at(cls, scale: float) -> "Size":
        communities = max(2, round(FULL["communities"] * scale))
        households = max(communities * 3, round(FULL["households"] * scale))
        volunteers = max(communities, min(households, round(FULL["volunteers"] * scale)))
        entries = max(100, round(FULL["entries"] * scale))
        return cls(communities, households, volunteers, entries + entries % 2)


def _text(value) -> str:
    """A value in COPY's text format (None is \\N; no value made here holds a tab, newline or backslash)."""
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    return str(value)


class Copier:
    """Rows buffered per table and sent with one COPY per CHUNK rows."""

    def __init__(self, cursor):
        self.cursor, self.buffers, self.counts = cursor, {}, {}

    def add(self, table: str, columns: tuple[str, ...], row: tuple) -> None:
        self.line(table, columns, "\t".join(map(_text, row)) + "\n")

    def add_plain(self, table: str, columns: tuple[str, ...], row: tuple) -> None:
        """A row of numbers, text, dates and times only (no None, no booleans): the hottest table's."""
        self.line(table, columns, "\t".join(map(str, row)) + "\n")

    def line(self, table: str, columns: tuple[str, ...], text: str) -> None:
        buffer = self.buffers.get(table)
        if buffer is None:
            buffer = self.buffers[table] = (columns, io.StringIO(), [0])
        buffer[1].write(text)
        buffer[2][0] += 1
        if buffer[2][0] >= CHUNK:
            self._flush(table)

    def _flush(self, table: str) -> None:
        columns, data, count = self.buffers.pop(table)
        if not count[0]:
            return
        data.seek(0)
        self.cursor.copy_expert(f'COPY "{table}" ({", ".join(columns)}) FROM STDIN', data)
        self.counts[table] = self.counts.get(table, 0) + count[0]

    def flush(self) -> None:
        for table in list(self.buffers):
            self._flush(table)


COLUMNS = {
    "community": ("id", "name", "code", "district", "created_at"),
    "household": ("id", "community_id", "name", "building", "unit", "room", "area", "invite_code", "opened_at"),
    "member": ("id", "community_id", "household_id", "name", "gender", "phone", "relation", "is_head", "roles",
               "token_version", "created_at"),
    "volunteer": ("id", "member_id", "community_id", "volunteer_no", "occupation", "specialties", "availability_mask",
                  "status", "status_note", "registered_at", "public_name", "building", "area"),
    "account": ("id", "key", "community_id", "household_id", "kind", "posted_minutes", "pending_minutes", "opened_at"),
    "transfer": ("id", "community_id", "code", "state", "idempotency_key", "body_hash", "minutes", "posted_minutes",
                 "hold_account_id", "record_id", "reason", "details", "effective_date", "created_at", "resolved_at"),
    "entry": ("id", "community_id", "seq", "account_id", "transfer_id", "minutes", "balance_after", "effective_date",
              "created_at", "prev_hash", "hash"),
    "service_record": ("id", "community_id", "volunteer_id", "volunteer_household_id", "recipient_id",
                       "recipient_household_id", "public_good", "category_id", "place", "started_at", "ended_at",
                       "duration_minutes", "credited_minutes", "content", "witness_id", "witness_name", "witness_phone",
                       "source", "status", "needs_approval", "comment", "organiser", "confirmed_at", "confirmed_via",
                       "dispute_reason", "reject_reason", "transfer_id", "created_at", "version"),
    "member_year": ("member_id", "year", "minutes"),
    "ledger_chain": ("community_id", "last_seq", "last_hash"),
}


def seed(out, size: Size, *, today: dt.date, category_id: int, rng: random.Random, heavy: float = 0.0) -> dict:
    """Stream the city to `out` (a Copier, or bench.passbook_scale's SQLite sink); what the timings need.

    `heavy`: the share of transfers that go to community 1 (the rest spread over all communities), for a
    community much bigger than the others (bench/passbook_scale.py)."""
    from server.services.ledger.core import GENESIS_HASH, entry_hash

    opened = dt.datetime.combine(today - dt.timedelta(days=DAYS + 30), dt.time(9))
    first_day = today - dt.timedelta(days=DAYS)
    C = size.communities
    for c in range(1, C + 1):
        out.add("community", COLUMNS["community"], (c, f"压测社区{c}", f"CITY{c}", "压测区", opened))
    # Accounts: the community's issuance, love pool and clearing first, then one per household.
    # written last, with their balances
    issuance = {c: 3 * c - 2 for c in range(1, C + 1)}
    balance, account_row = {}, {}  # account id -> minutes; account id -> (key, community, household, kind)
    for c in range(1, C + 1):
        for n, kind in enumerate(("issuance", "love_pool", "clearing")):
            account_id = 3 * c - 2 + n
            balance[account_id] = 0
            account_row[account_id] = (f"{kind}:{c}", c, None, kind)
    # Households, one member each (the head); the first `volunteers` of them have a volunteer (round robin
    # over the communities, so every community has households and volunteers).
    households = {c: [] for c in range(1, C + 1)}  # community -> [(household, member, account)]
    volunteers = {c: [] for c in range(1, C + 1)}
    for h in range(1, size.households + 1):
        c = (h - 1) % C + 1
        account_id = 3 * C + h
        out.add("household", COLUMNS["household"],
                (h, c, f"住户{h}", f"{h % 40 + 1}号楼", f"{h % 4 + 1}单元", f"{h % 30 + 101}", "", f"CITY{h:07d}", opened))
        out.add("member", COLUMNS["member"],
                (h, c, h, f"居民{h}", "", f"139{h:08d}", "本人", True,
                 "resident,volunteer" if h <= size.volunteers else "resident", 0, opened))
        if h <= size.volunteers:
            out.add("volunteer", COLUMNS["volunteer"],
                    (h, h, c, f"V{h:07d}", "", "[]", 0, "active", "", opened, False, f"{h % 40 + 1}号楼", ""))
            volunteers[c].append((h, h, account_id))
        households[c].append((h, h, account_id))
        balance[account_id] = 0
        account_row[account_id] = (f"household:{h}", c, h, "household")

    # The ledger: `entries / 2` two-leg transfers in date order, each in a random community.
    transfers = size.entries // 2
    chain = {c: (0, GENESIS_HASH) for c in range(1, C + 1)}
    years = {}  # (member, year) -> minutes
    entry_id = record_id = 0
    tcols, ecols, rcols = COLUMNS["transfer"], COLUMNS["entry"], COLUMNS["service_record"]
    for t in range(1, transfers + 1):
        day = first_day + dt.timedelta(days=(t - 1) * DAYS // transfers)
        at = dt.datetime.combine(day, dt.time(8 + t % 10, t % 60))
        c = 1 if heavy and rng.random() < heavy else rng.randrange(1, C + 1)
        minutes = rng.choice((30, 60, 60, 90, 120))
        payer = rng.choice(households[c])
        if rng.random() < PAYBACK_SHARE and balance[payer[2]] >= minutes:
            household_account = payer[2]
            legs = ((household_account, -minutes), (issuance[c], minutes))
            out.add("transfer", tcols, (t, c, "payback", "posted", f"payback:{t}:hold", "", minutes, minutes,
                                        household_account, None, "优先回馈", "{}", day, at, at))
        else:
            _, member, household_account = rng.choice(volunteers[c])
            recipient = rng.choice(households[c])
            record_id += 1
            details = json.dumps({"content": "压测服务", "place": "3号楼", "duration_minutes": minutes,
                                  "witness_name": f"居民{recipient[1]}", "served_by": f"居民{member}",
                                  "service_date": day.isoformat()}, ensure_ascii=False)
            out.add("transfer", tcols, (t, c, "service_credit", "posted", f"record:{record_id}:credit", "", minutes,
                                        None, None, record_id, "", details, day, at, None))
            out.add("service_record", rcols, (
                record_id, c, member, member, recipient[1], recipient[0], False, category_id, "3号楼", at,
                at + dt.timedelta(minutes=minutes), minutes, minutes, "压测服务", recipient[1], f"居民{recipient[1]}",
                "", "self_report", "credited", False, "", "压测", at, "app", "", "", t, at, 1))
            years[(member, day.year)] = years.get((member, day.year), 0) + minutes
            legs = ((issuance[c], -minutes), (household_account, minutes))
        seq, prev = chain[c]
        for account_id, delta in legs:
            entry_id += 1
            seq += 1
            after = balance[account_id] = balance[account_id] + delta
            digest = entry_hash(prev, c, seq, account_id, t, delta, after, day)
            out.add_plain("entry", ecols, (entry_id, c, seq, account_id, t, delta, after, day, at, prev, digest))
            prev = digest
        chain[c] = (seq, prev)

    for account_id, (key, c, household, kind) in account_row.items():
        out.add("account", COLUMNS["account"], (account_id, key, c, household, kind, balance[account_id], 0, opened))
    for (member, year), minutes in years.items():
        out.add("member_year", COLUMNS["member_year"], (member, year, minutes))
    for c, (seq, last) in chain.items():
        out.add("ledger_chain", COLUMNS["ledger_chain"], (c, seq, last))
    out.flush()
    return {"entries": entry_id, "transfers": transfers, "records": record_id, "counts": out.counts}


TABLES = ("community", "household", "member", "volunteer", "account", "transfer", "entry", "service_record",
          "member_year", "ledger_chain")


def load(url: str, size: Size, *, seed_value: int = 17, heavy: float = 0.0) -> dict:
    """Migrate `url`, seed the catalog, then COPY the city in one transaction."""
    from peewee import PostgresqlDatabase

    from server import clock
    from server.db import database
    from server.models import ServiceCategory

    assert isinstance(database.obj, PostgresqlDatabase), "the city is seeded on PostgreSQL"
    category_id = ServiceCategory.select(ServiceCategory.id).order_by(ServiceCategory.id).scalar()
    database.close()
    import psycopg2

    conn = psycopg2.connect(url.replace("postgresql+pool://", "postgresql://"))
    try:
        with conn, conn.cursor() as cursor:
            cursor.execute("SET session_replication_role = replica")
            # As a bulk load does: the big tables' secondary indexes are built once, after their rows.
            cursor.execute("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename IN "
                           "('entry', 'transfer', 'service_record') AND indexname NOT LIKE '%%_pkey'")
            indexes = cursor.fetchall()
            for name, _ in indexes:
                cursor.execute(f'DROP INDEX "{name}"')
            made = seed(Copier(cursor), size, today=clock.today(), category_id=category_id,
                        rng=random.Random(seed_value), heavy=heavy)
            for table in TABLES:
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
                               f"(SELECT COALESCE(MAX(id), 0) + 1 FROM \"{table}\"), false)")
            cursor.execute("SET maintenance_work_mem = '256MB'")
            for _, definition in indexes:
                cursor.execute(definition)
        conn.autocommit = True
        with conn.cursor() as cursor:
            cursor.execute("ANALYZE")
    finally:
        conn.close()
    return made


def _timed(function):
    start = time.perf_counter()
    result = function()
    return time.perf_counter() - start, result


def measure(url: str, size: Size, scale: float) -> tuple[list, bool]:
    """The station's heavy jobs at the city's size; report rows and whether the ledger verified."""
    from server import clock
    from server.models import Community
    from server.services.ledger import ledger_verify, statements
    from server.services.oversight import audits, monthly_close, study_report

    today = clock.today()
    year, month = statements.previous_month(today)
    community = Community.get_by_id(1)
    quarter_end = dt.date(today.year, (today.month - 1) // 3 * 3 + 1, 1) - dt.timedelta(days=1)
    quarter = (quarter_end.year, (quarter_end.month - 1) // 3 + 1)
    half_end = dt.date(today.year, 1 if today.month <= 6 else 7, 1) - dt.timedelta(days=1)
    half = (half_end.year, 1 if half_end.month <= 6 else 2)

    rows = []
    # The scheduled job itself (workers/jobs/coordinator.close_last_month): every community, as on the 1st.
    close, closed = _timed(monthly_close.close_last_month)
    print(f"  monthly close {year}-{month:02d}, {size.households:,} households: {close:.2f} s "
          f"({sum(closed.values()):,} statements)")
    rows.append((f"monthly close of all households, s (measured {close:.1f} s / scale {scale:g})", close / scale,
                 f"< {GOALS['close']:g}", close / scale < GOALS["close"] and sum(closed.values()) == size.households))
    audit, made = _timed(lambda: audits.run(None, community, *quarter))
    print(f"  quarterly audit {quarter[0]} Q{quarter[1]} of community 1: {audit:.2f} s "
          f"(population {made.population}, ledger ok {made.ledger_ok})")
    rows.append(("quarterly audit of one community, s", audit, f"< {GOALS['audit']:g}", audit < GOALS["audit"]))
    report, sections = _timed(lambda: study_report.build(study_report.period_of(community, *half)))
    print(f"  half-year report {half[0]} H{half[1]} of community 1: {report:.2f} s ({len(sections)} sections)")
    rows.append(("half-year report of one community, s", report, f"< {GOALS['report']:g}", report < GOALS["report"]))
    one, found_one = _timed(lambda: ledger_verify.verify(1))
    print(f"  verify-ledger of community 1: {one:.2f} s, {len(found_one)} violations")
    rows.append(("verify-ledger of one community, s", one, f"< {GOALS['verify_one']:g}",
                 one < GOALS["verify_one"] and not found_one))
    everything, found = _timed(lambda: ledger_verify.verify(None))
    rate = size.entries / everything
    print(f"  verify-ledger of the whole database: {everything:.1f} s, {rate:,.0f} entries/s, "
          f"{len(found)} violations" + "".join(f"\n    {v.rule}: {v.detail}" for v in found[:10]))
    rows.append((f"verify-ledger, whole database, s ({rate:,.0f} entries/s; / scale {scale:g})", everything / scale,
                 f"< {GOALS['verify_all']:g}", everything / scale < GOALS["verify_all"] and not found))
    return rows, not found and not found_one


def create_database() -> str:
    import psycopg2

    name = f"pgcity_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(ADMIN_DSN)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return f"postgresql://postgres@127.0.0.1:5432/{name}"


def prepare(url: str | None):
    """A migrated database (made when no URL is given), the app's settings and clock configured."""
    url = url or create_database()
    return harness._prepare(url)


def close_database(url: str, drop: bool) -> None:
    from server.db import database

    if not database.is_closed():
        database.close()
    database.obj.close_all()
    if drop:
        harness.drop_postgres(url)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--url", help="an empty PostgreSQL database (default: a new pgcity_* one, dropped after)")
    parser.add_argument("--scale", type=float, default=float(os.environ.get("BENCH_CITY_SCALE", "1")),
                        help="fraction of the city (0.001: a quick run); default BENCH_CITY_SCALE, else 1")
    parser.add_argument("--keep", action="store_true", help="keep the database")
    args = parser.parse_args(argv)
    size = Size.at(args.scale)
    url, _ = prepare(args.url)
    try:
        print(f"seeding a city at scale {args.scale:g} into {url.rsplit('/', 1)[1]}: {size.communities:,} communities, "
              f"{size.households:,} households, {size.volunteers:,} volunteers, {size.entries:,} entries …")
        seconds, made = _timed(lambda: load(url, size))
        print(f"  seeded in {seconds:.1f} s ({made['entries'] / seconds:,.0f} entries/s; {made['records']:,} "
              f"service records, {made['transfers']:,} transfers)")
        rows, verified = measure(url, size, args.scale)
    finally:
        close_database(url, drop=not args.keep)
    ok = harness.report(f"a city on PostgreSQL (issue 17 goal 7), scale {args.scale:g}", rows)
    return 0 if ok and verified else 1


if __name__ == "__main__":
    sys.exit(main())
