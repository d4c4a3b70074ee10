"""Import preview benchmark (issue 16 §3): 10,000 rows preview in under 10 s, on SQLite and PostgreSQL.

A community of 4,000 households and 2,000 volunteers with 20,000 services already recorded; a sheet
(XLSX) of 10,000 historical service records (the heaviest kind: volunteer by phone, recipient by
address, the service menu, overlaps and the daily cap against what is recorded) and one of 10,000
household members. Each preview (`imports.upload`: read the file, check every row, keep the import)
is repeated for at least SECONDS and its median taken; the baseline, measured in the same run, is
reading the same file alone (`sheets.read`, python-calamine). Goals: the median preview of 10,000 rows
≤ 10 s (the issue's figure), and ≤ 15× the time of reading the file (the checks stay bulk lookups, not
a query per row: one query per row would be several times that).

Run: `make bench` or `.venv/bin/python -m bench.imports` (BENCH_NO_POSTGRES=1 skips PostgreSQL).
"""

import datetime as dt
import io
import os
import statistics
import sys
import time

from bench import harness

HOUSEHOLDS, VOLUNTEERS, RECORDED, ROWS = 4_000, 2_000, 20_000, 10_000
SECONDS = 12.0  # each measurement repeats for at least this long (and at least twice)


def _bulk(model, rows):
    for chunk in range(0, len(rows), 500):
        model.insert_many(rows[chunk:chunk + 500]).execute()


def seed():
    from server import clock
    from server.db import database
    from server.models import Account, Household, Member, ServiceCategory, ServiceRecord, Volunteer
    from tests.factories import make_community, make_coordinator

    community = make_community(name="导入社区", code="IMP")
    coordinator = make_coordinator(community)
    category = ServiceCategory.get(ServiceCategory.code == "hardship")
    start = dt.datetime.combine(clock.today() - dt.timedelta(days=400), dt.time(8))
    with database.atomic():
        _bulk(Household, [{"community": community.id, "name": f"家{n}", "building": f"{n // 100}栋", "unit": "",
                           "room": str(n % 100 + 101), "invite_code": f"I{n:07d}", "opened_at": start}
                          for n in range(HOUSEHOLDS)])
        households = [h.id for h in Household.select(Household.id).where(Household.community == community.id)
                      .order_by(Household.id)]
        _bulk(Member, [{"name": f"居民{n}", "phone": f"139{n:08d}", "roles": "resident", "community": community.id,
                        "household": hid, "is_head": True, "relation": "本人", "created_at": start}
                       for n, hid in enumerate(households)])
        members = [m.id for m in Member.select(Member.id).where(Member.community == community.id,
                                                                 Member.phone.startswith("139")).order_by(Member.id)]
        _bulk(Volunteer, [{"member": mid, "community": community.id, "volunteer_no": f"I-{mid}", "status": "active",
                           "registered_at": start} for mid in members[:VOLUNTEERS]])
        _bulk(Account, [{"key": f"household:{hid}", "community": community.id, "household": hid, "kind": "household"}
                        for hid in households])
        _bulk(ServiceRecord, [{
            "community": community.id, "volunteer": members[n % VOLUNTEERS],
            "volunteer_household": households[n % VOLUNTEERS], "category": category.id, "place": "家里",
            "started_at": start + dt.timedelta(days=n // VOLUNTEERS, hours=1),
            "ended_at": start + dt.timedelta(days=n // VOLUNTEERS, hours=2), "duration_minutes": 60,
            "content": "陪聊", "witness_name": "见证人", "witness_phone": "13600000000", "source": "counter",
            "status": "credited", "created_at": start} for n in range(RECORDED)])
    return community, coordinator


def _xlsx(header, rows) -> bytes:
    import openpyxl

    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def record_sheet() -> bytes:
    """10,000 services on the days the seeded ones fall on (so the overlap check has work), one in 20 wrong."""
    from server import clock
    from server.services.imports.columns import COLUMNS

    first = clock.today() - dt.timedelta(days=400)
    rows = []
    for n in range(ROWS):
        volunteer = n % VOLUNTEERS
        day = first + dt.timedelta(days=n // VOLUNTEERS)
        recipient = VOLUNTEERS + n % (HOUSEHOLDS - VOLUNTEERS)
        start_hour = 14 if n % 20 else 8  # one in 20 overlaps a recorded service
        rows.append([f"居民{volunteer}", f"139{volunteer:08d}", f"{recipient // 100}栋", "", str(recipient % 100 + 101),
                     f"居民{recipient}", "帮困", "精神抚慰（陪伴聊天）", "服务对象家", day.isoformat(),
                     f"{start_hour:02d}:00", f"{start_hour + 1:02d}:30", "陪老人聊天、打扫卫生", "见证人",
                     "13600000000"])
    return _xlsx([c.header for c in COLUMNS["service_records"]], rows)


def household_sheet() -> bytes:
    """10,000 members of 2,500 new households (a head and three family members each)."""
    from server.services.imports.columns import COLUMNS

    relations = ("本人", "配偶", "儿子", "女儿")
    rows = [[f"新{n // 4 // 100}栋", "1单元", str(n // 4 % 100 + 101), "", f"新居民{n}", f"135{n:08d}",
             relations[n % 4], "", ""] for n in range(ROWS)]
    return _xlsx([c.header for c in COLUMNS["households"]], rows)


def _median(run) -> float:
    times, began = [], time.perf_counter()
    while len(times) < 2 or time.perf_counter() - began < SECONDS:
        t = time.perf_counter()
        run()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def measure(label: str, prepare) -> list[tuple[str, float, str, bool]]:
    url, values = prepare()
    from server.db import database
    from server.services.imports import core as imports
    from server.services.imports import sheets

    try:
        with database.connection_context():
            community, coordinator = seed()
            rows = []
            for kind, data in (("service_records", record_sheet()), ("households", household_sheet())):
                read = _median(lambda data=data: sheets.read(data, max_rows=ROWS))
                preview = _median(lambda kind=kind, data=data: imports.upload(
                    coordinator, community_id=community.id, kind=kind, filename="bench.xlsx", data=data))
                batch = imports.upload(coordinator, community_id=community.id, kind=kind, filename="bench.xlsx",
                                       data=data)
                if batch.row_count != ROWS:
                    raise AssertionError(f"{kind}: {batch.row_count} rows read, {ROWS} written")
                print(f"  {label} {kind}: read {read:.2f} s, preview {preview:.2f} s, "
                      f"{len({p['row'] for p in batch.problems})} rows with problems")
                rows += [(f"{label} {kind}: preview of {ROWS} rows (s)", preview, "<= 10", preview <= 10),
                         (f"{label} {kind}: preview / reading the file", preview / read, "<= 15", preview / read <= 15)]
            return rows
    finally:
        database.close()
        if url.startswith("postgresql"):
            harness.drop_postgres(url)


def main() -> int:
    print(f"import preview: {ROWS} rows against {HOUSEHOLDS} households, {VOLUNTEERS} volunteers, "
          f"{RECORDED} recorded services …")
    try:
        rows = measure("sqlite", lambda: harness.prepare_sqlite(harness.tempdir()))
        if not os.environ.get("BENCH_NO_POSTGRES"):
            rows += measure("postgres", harness.prepare_postgres)
    except Exception as error:  # any error fails the benchmark
        print(f"  error: {error!r}")
        return 1
    ok = harness.report("import preview (issue 16 §3)", rows)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
