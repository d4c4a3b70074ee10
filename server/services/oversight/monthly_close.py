"""每月汇总登记 for the station: every community's last month closed on the 1st, and the register as XLSX.

`statements.close_month` closes one household (and refuses a month still running);
this closes them all, for the scheduled job and the coordinator's button alike, and
lays the closed month out as the register the station files: one row per household
(opening, in, out, closing, each member's hours), a sheet per member, and the totals
checked against the community's system accounts (they must sum to zero: households, love
pool, issuance and clearing — the hours that crossed to or from other communities). Closing
the month also stores every exchange network's settlement for it.
"""

import multiprocessing
import multiprocessing.util
import os

from peewee import fn

from server import clock
from server.db import database, is_postgres
from server.errors import RuleBroken
from server.models import Account, Community, Household, Statement
from server.services.ledger import networks, statements
from server.services.oversight import documents
from server.services.oversight.documents import Table


def close_last_month() -> dict[int, int]:
    """Close the month before today for every community; safe to run any day, any number of times.

    It runs every day: which communities are already closed is read for all of them in two grouped
    queries, and those still open are closed (by several processes at a city's size, `_close_all`)."""
    year, month = statements.previous_month(clock.today())
    households = _households_per_community()
    closed = _statements_per_community(year, month)
    result, still_open = {}, []
    for (community_id,) in Community.select(Community.id).order_by(Community.id).tuples():
        result[community_id] = closed.get(community_id, 0)
        if result[community_id] < households.get(community_id, 0):
            still_open.append(community_id)
    to_close = sum(households[c] - closed.get(c, 0) for c in still_open)
    result.update(_close_all(still_open, year, month, to_close))
    networks.close_month(year, month)
    return result


# At a city's size the close is bound by CPU: signing (an Ed25519 signature is ~0.1 ms here) and, on the
# database, the statements' rows and indexes. Each community is closed in its own transaction holding its
# own chain, so communities close side by side in forked processes, each with its own connection
# (server.db forgets the parent's connections in a forked child). PostgreSQL only: SQLite has one writer.
# Two processes per core: each waits for PostgreSQL about half its time (4 closed a tenth of a city here
# about 10% faster than 2, on 2 cores shared with the database).
POOL_FROM_HOUSEHOLDS = 2_000
PROCESSES_PER_CORE = 2


def _close_all(community_ids: list[int], year: int, month: int, households: int) -> dict[int, int]:
    """{community: statements} after closing each community's month: in this process, or by a pool of
    processes (two per core) when there are many households to close on PostgreSQL."""
    processes = min((os.cpu_count() or 1) * PROCESSES_PER_CORE, len(community_ids))
    if processes < 2 or households < POOL_FROM_HOUSEHOLDS or not is_postgres():
        return {c: statements.close_community_month(c, year, month) for c in community_ids}
    pool = multiprocessing.get_context("fork").Pool(processes, initializer=_pool_started)
    try:
        counts = pool.map(_close_one, [(c, year, month) for c in community_ids], chunksize=1)
        pool.close()
        pool.join()
    finally:
        pool.terminate()
    return dict(zip(community_ids, counts, strict=True))


def _pool_started() -> None:
    # The child's own connections are closed when it ends (multiprocessing runs its finalizers then).
    multiprocessing.util.Finalize(None, database.obj.close_all, exitpriority=10)


def _close_one(task: tuple[int, int, int]) -> int:
    community_id, year, month = task
    try:
        return statements.close_community_month(community_id, year, month)
    finally:
        database.close()


def close_if_open(community_id: int, year: int, month: int) -> int:
    """Close the month unless every household of the community already has its statement."""
    households = _households_per_community(community_id).get(community_id, 0)
    closed = _statements_per_community(year, month, community_id).get(community_id, 0)
    if closed >= households:
        return closed
    return statements.close_community_month(community_id, year, month)


def _households_per_community(community_id: int | None = None) -> dict[int, int]:
    """{community: household accounts} (of one community, or of all)."""
    query = Account.select(Account.community, fn.COUNT(Account.id)).where(Account.kind == "household")
    if community_id is not None:
        query = query.where(Account.community == community_id)
    return dict(query.group_by(Account.community).tuples())


def _statements_per_community(year: int, month: int, community_id: int | None = None) -> dict[int, int]:
    """{community: statements of the month} (of one community, or of all), by the households' community."""
    query = (Statement.select(Household.community, fn.COUNT(Statement.id)).join(Household)
             .where(Statement.year == year, Statement.month == month))
    if community_id is not None:
        query = query.where(Household.community == community_id)
    return dict(query.group_by(Household.community).tuples())


def _statements(community_id: int, year: int, month: int):
    return (Statement.select(Statement, Household).join(Household)
            .where(Household.community == community_id, Statement.year == year, Statement.month == month)
            .order_by(Household.building, Household.unit, Household.room, Household.id))


def _system_closing(community_id: int, kind: str, year: int, month: int) -> int:
    start, end = statements.month_bounds(year, month)
    opening, minutes_in, minutes_out = statements.month_sums(
        Account.get(Account.key == f"{kind}:{community_id}").id, start, end)
    return opening + minutes_in - minutes_out


def register(community: Community, year: int, month: int) -> dict:
    """The closed month's figures: households, members and totals (refused if the month is not closed)."""
    rows = list(_statements(community.id, year, month))
    if not rows:
        raise RuleBroken(f"{year}年{month}月还没有结账，请先结账", field="month", rule="month_not_closed")
    totals = {key: sum(getattr(s, key) for s in rows)
              for key in ("opening_minutes", "minutes_in", "minutes_out", "closing_minutes")}
    pool = _system_closing(community.id, "love_pool", year, month)
    issuance = _system_closing(community.id, "issuance", year, month)
    clearing = _system_closing(community.id, "clearing", year, month)
    return {"community": community, "year": year, "month": month, "statements": rows, "totals": totals,
            "love_pool_minutes": pool, "issuance_minutes": issuance, "clearing_minutes": clearing,
            "balanced": totals["closing_minutes"] + pool + issuance + clearing == 0}


def _address(household: Household) -> str:
    return "".join(part for part in (household.building, household.unit, household.room) if part)


def register_xlsx(community: Community, year: int, month: int) -> bytes:
    data = register(community, year, month)
    title = f"{community.name}{year}年{month}月爱心储蓄汇总登记"
    households = Table(
        headers=["序号", "户名", "住址", "期初（小时）", "存入（小时）", "支出（小时）", "期末（小时）", "成员服务时长"],
        rows=[[n, s.household.name, _address(s.household), documents.hours(s.opening_minutes),
               documents.hours(s.minutes_in), documents.hours(s.minutes_out), documents.hours(s.closing_minutes),
               "、".join(f"{m['name']} {m['minutes'] / 60:.1f}小时" for m in s.per_member)]
              for n, s in enumerate(data["statements"], start=1)],
        hour_columns=(3, 4, 5, 6),
    )
    members = Table(
        headers=["户名", "成员", "服务时长（小时）"],
        rows=[[s.household.name, m["name"], documents.hours(m["minutes"])]
              for s in data["statements"] for m in s.per_member],
        hour_columns=(2,),
    )
    totals = data["totals"]
    summary = Table(
        headers=["项目", "小时"],
        rows=[["期初合计", documents.hours(totals["opening_minutes"])],
              ["存入合计", documents.hours(totals["minutes_in"])],
              ["支出合计", documents.hours(totals["minutes_out"])],
              ["期末合计", documents.hours(totals["closing_minutes"])],
              ["成员服务时长合计", documents.hours(sum(m["minutes"] for s in data["statements"] for m in s.per_member))],
              ["社区爱心池月末余额", documents.hours(data["love_pool_minutes"])],
              ["发行账户月末余额", documents.hours(data["issuance_minutes"])],
              ["清算账户月末余额（社区间通存通兑）", documents.hours(data["clearing_minutes"])]],
        hour_columns=(1,), widths={0: 24, 1: 14},
    )
    check = "平衡" if data["balanced"] else "不平衡，请核查账本"
    book = documents.workbook()
    documents.add_sheet(book, "汇总登记", households, heading=title)
    documents.add_sheet(book, "成员服务", members, heading=title)
    documents.add_sheet(book, "合计", summary, heading=title, notes=[
        f"登记户数：{len(data['statements'])}",
        f"账实核对（家庭期末合计 + 爱心池 + 发行账户 + 清算账户 = 0）：{check}",
        f"导出时间：{clock.now():%Y-%m-%d %H:%M}",
    ])
    return documents.xlsx_bytes(book)


def closed_months(community_id: int, limit: int = 24) -> list[tuple[int, int, int]]:
    """(year, month, statements) of the community's closed months, newest first."""
    return list(
        Statement.select(Statement.year, Statement.month, fn.COUNT(Statement.id))
        .join(Household).where(Household.community == community_id)
        .group_by(Statement.year, Statement.month)
        .order_by(Statement.year.desc(), Statement.month.desc()).limit(limit).tuples()
    )

