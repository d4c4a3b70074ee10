"""爱心储蓄存折: a household's ledger as the family reads it, newest first, page by page.

Keyset pagination on the entry id (index account, id), so the 500th page costs what the
first does. The lines print what the transfer recorded at the time (place, content,
duration, witness, who served), and yearly totals come from the cached MemberYear rows.
"""

from peewee import JOIN

from server import clock
from server.db import Prepared
from server.errors import NotFound, RuleBroken
from server.keyset import Keyset
from server.models import Account, Entry, Household, Member, MemberYear, Transfer
from server.services.ledger import core as ledger

MAX_PAGE = 50
LINES = Keyset(Entry.id, descending=True)  # the order the lines are paged in (newest first)


_LINE_COLUMNS = (Entry.id, Entry.community, Entry.minutes, Entry.balance_after, Entry.effective_date, Entry.created_at,
                 Transfer.id.alias("transfer_id"), Transfer.code, Transfer.reason, Transfer.details,
                 Transfer.reverses.alias("reverses_id"))


def _page(account_id, limit, after=None):
    query = Entry.select(*_LINE_COLUMNS).join(Transfer).where(Entry.account == account_id)
    if after is not None:
        query = query.where(Entry.id < after)
    return query.order_by(Entry.id.desc()).limit(limit).dicts()


_FIRST_PAGE = Prepared(lambda account_id, limit: _page(account_id, limit))
_PAGE_AFTER = Prepared(lambda account_id, after, limit: _page(account_id, limit, after))


_HOUSEMATE = Member.alias("housemate")  # the household's members, beside the one signed in
_HEADING_COLUMNS = (Household.name, Account.id, Account.community, Account.posted_minutes, Account.pending_minutes,
                    MemberYear.member, _HOUSEMATE.name, MemberYear.year, MemberYear.minutes)


def _heading(query):
    """The household, its account and its members' yearly totals in one round trip (on PostgreSQL each
    costs one: issue 17 goal 2): a row per member-year, or one with no year for a member with none."""
    return (query.join(Account, JOIN.LEFT_OUTER, on=(Account.household == Household.id))
            .switch(Household).join(_HOUSEMATE, JOIN.LEFT_OUTER, on=(_HOUSEMATE.household == Household.id))
            .join(MemberYear, JOIN.LEFT_OUTER, on=((MemberYear.member == _HOUSEMATE.id) & (MemberYear.minutes != 0)))
            .order_by(MemberYear.year.desc(), MemberYear.member))


_HEADING = Prepared(lambda household_id: _heading(Household.select(*_HEADING_COLUMNS))
                    .where(Household.id == household_id).tuples())
# `/me/passbook`'s login check reads the member and the heading in one statement (`signed_in`, which the route's
# gate calls), as /me's does: on PostgreSQL that is one round trip, one parse and one plan fewer.
_HEADING_NAMES = tuple(f"passbook_{n}" for n in range(len(_HEADING_COLUMNS)))
_SIGNED_IN = Prepared(lambda member_id: _heading(
    Member.select(Member, *(column.alias(name) for column, name in zip(_HEADING_COLUMNS, _HEADING_NAMES, strict=True)))
    .join(Household, JOIN.LEFT_OUTER, on=(Household.id == Member.household)))
    .where(Member.id == member_id).objects())


def signed_in(member_id: int) -> Member | None:
    """The gate's lookup for the member's own passbook: the member (None: there is none), carrying their household's
    passbook heading (`passbook_heading`: the rows `_HEADING` reads for their household)."""
    rows = _SIGNED_IN.rows(member_id)
    if not rows:
        return None
    rows[0].passbook_heading = [tuple(getattr(row, name) for name in _HEADING_NAMES) for row in rows]
    return rows[0]


def _direction(minutes: int, pool_minutes: int) -> str:
    if minutes:
        return "deposit" if minutes > 0 else "withdrawal"
    return "to_pool" if pool_minutes > 0 else "from_pool" if pool_minutes < 0 else "none"


def _other_community(details: dict, community_id: int) -> str:
    """The other community of hours that crossed communities, as this household's passbook names it."""
    if "from_community_id" not in details:
        return ""
    mine_gave = details["from_community_id"] == community_id
    return details.get("to_community" if mine_gave else "from_community", "")


def _label(code: str, minutes: int) -> str:
    """The code in words; a move (迁移) reads 迁出 where the household left and 迁入 where it arrived."""
    if code == "move":
        return "迁出" if minutes < 0 else "迁入"
    return ledger.CODES[code]


def _line(row: dict, community_id: int) -> dict:
    """A passbook line, JSON-ready (the response passes it through verbatim).

    `pool_minutes`: what of this transfer went to the love pool instead of the household (a
    credit above the storage cap; negative on its reversal). A credit that went there in full
    is a 0-minute line (direction `to_pool`), so the passbook shows every service credited.
    """
    details = row["details"] or {}
    pool_minutes = int(details.get("overflow_minutes") or 0)
    if row["code"] == "reversal":
        pool_minutes = -pool_minutes
    return {
        "id": row["id"],
        "transfer_id": row["transfer_id"],
        "posted_at": clock.aware(row["created_at"]).isoformat(),
        "service_date": details.get("service_date") or row["effective_date"].isoformat(),
        "direction": _direction(row["minutes"], pool_minutes),
        "code": row["code"],
        "code_label": _label(row["code"], row["minutes"]),
        "minutes": row["minutes"],
        "running_balance_minutes": row["balance_after"],
        "place": details.get("place", ""),
        "content": details.get("content", ""),
        "duration_minutes": details.get("duration_minutes"),
        "witness_name": details.get("witness_name", ""),
        "served_by": details.get("served_by", ""),
        "provider": details.get("provider", ""),
        "reason": row["reason"],
        "note": details.get("note", ""),
        "pool_minutes": pool_minutes,
        "reverses_transfer_id": row["reverses_id"],
        # A corrected credit (更正) names the credit it replaces; its reversal names it too (reverses_transfer_id).
        "corrects_transfer_id": details.get("corrects_transfer_id") if row["code"] != "reversal" else None,
        "other_community": _other_community(details, row["community"] or community_id),
    }


def passbook(household: Household | int, *, after: tuple[int] | None = None, limit: int = 20,
             heading: list[tuple] | None = None) -> dict:
    """One page of the passbook: two indexed queries whatever the household's history (three with
    open holds); one when the login check read the `heading` (`signed_in`).

    Lines newest first by entry id; `after` is the key `(entry_id,)` of the previous page's last
    line, and `next_after` the key to go on from (None on the last page)."""
    household_id = household if isinstance(household, int) else household.id
    limit = max(1, min(limit, MAX_PAGE))
    if heading is None:
        heading = _HEADING.tuples(household_id)
    if not heading or heading[0][1] is None:  # no such household, or it has no account
        raise NotFound("这个家庭还没有存折账户")
    household_name, account_id, community_id, posted, pending = heading[0][:5]
    if after:
        rows = _PAGE_AFTER.rows(account_id, after[0], limit + 1)
    else:
        rows = _FIRST_PAGE.rows(account_id, limit + 1)
    holds = []
    if pending:
        holds = [
            {"id": t.id, "minutes": t.minutes, "reason": t.reason or ledger.CODES[t.code], "created_at": t.created_at,
             "content": (t.details or {}).get("content", "")}
            for t in Transfer.select().where(Transfer.hold_account == account_id, Transfer.state == "pending")
            .order_by(Transfer.id)
        ]
    return {
        "household": {"id": household_id, "name": household_name},
        "balance_minutes": posted,
        "held_minutes": pending,
        "available_minutes": posted - pending,
        "entries": [_line(row, community_id) for row in rows[:limit]],
        "next_after": (rows[limit - 1]["id"],) if len(rows) > limit else None,
        "holds": holds,
        "yearly_totals": [
            {"member_id": member_id, "name": name, "year": year, "minutes": minutes}
            for *_, member_id, name, year, minutes in heading if year is not None
        ],
    }


def community_love_pool(viewer: Member) -> dict:
    """The love pool of the viewer's community (a member with no community has none to see)."""
    if viewer.community_id is None:
        raise RuleBroken("您还没有所属社区", rule="community_required")
    return love_pool(viewer.community_id)


def love_pool(community_id: int) -> dict:
    pool = Account.get(Account.key == f"love_pool:{community_id}")
    return {"community_id": community_id, "balance_minutes": pool.posted_minutes}


def every_line(household: Household) -> list[dict]:
    """The whole passbook, oldest first (a resident's data export)."""
    account = ledger.household_account(household.id)
    rows = Entry.select(*_LINE_COLUMNS).join(Transfer).where(Entry.account == account.id).order_by(Entry.id).dicts()
    return [_line(row, account.community_id) for row in rows]


def lines_for_print(household: Household, *, after_entry: int = 0, start=None, end=None, limit: int = 500) -> list[dict]:
    """Lines oldest first, as the printed passbook shows them: after the entry `after_entry`, dated
    (ledger date, `effective_date`) from `start` to `end` inclusive when given, at most `limit`."""
    account = ledger.household_account(household.id)
    query = Entry.select(*_LINE_COLUMNS).join(Transfer).where(Entry.account == account.id, Entry.id > after_entry)
    if start is not None:
        query = query.where(Entry.effective_date >= start)
    if end is not None:
        query = query.where(Entry.effective_date <= end)
    rows = query.order_by(Entry.id).limit(limit).dicts()
    return [{**_line(row, account.community_id), "entry_date": row["effective_date"]} for row in rows]
