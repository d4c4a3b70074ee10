"""Ledger verification: recompute every invariant from the entries and report what differs.

The quarterly audit calls `verify()`; so does `lovebank verify-ledger`. It reads, never
writes, and streams entries in chain order so a large ledger is checked in one pass.
Checking one community checks the transfers it shares with another (each community's own
legs) and its network (clearing balances sum to zero, positions within limits: docs/ledger.md, invariant 10);
checking everything checks every community and every network.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import asdict, dataclass

from peewee import Case, fn

from server.db import Prepared
from server.models import (
    Account,
    Entry,
    MemberYear,
    Network,
    NetworkMember,
    ServiceRecord,
    Statement,
    Transfer,
)
from server.services.ledger.core import GENESIS_HASH, entry_hash
from server.services.ledger.statements import month_bounds

CREDIT_CODES = ("service_credit", "event_credit")


@dataclass(frozen=True)
class Violation:
    rule: str
    detail: str
    community_id: int | None = None
    account_id: int | None = None
    transfer_id: int | None = None
    entry_id: int | None = None

    def as_dict(self) -> dict:
        return asdict(self)


def verify(community_id: int | None = None) -> list[Violation]:
    found: list[Violation] = []
    found += _chain_and_running_balances(community_id)
    found += _transfers_sum_to_zero(community_id)
    found += _cached_balances(community_id)
    found += _holds_and_reversals(community_id)
    found += _records_credited_once(community_id)
    found += _statements(community_id)
    found += _member_years(community_id)
    found += _communities_sum_to_zero(community_id)
    found += _transfer_scope(community_id)
    found += _networks(community_id)
    if community_id is None:
        total = Entry.select(fn.COALESCE(fn.SUM(Entry.minutes), 0)).scalar()
        if int(total or 0) != 0:
            found.append(Violation("balances_sum_to_zero", f"all entries sum to {total}, not 0"))
    return found


def report(community_id: int | None = None) -> dict:
    """What the verification answers: whether every invariant holds, and each one that does not."""
    violations = verify(community_id)
    return {"ok": not violations, "violations": [v.as_dict() for v in violations]}


def _scoped(query, model, community_id):
    if community_id is None:
        return query
    if model is Transfer:  # a transfer between two communities belongs to both
        return query.where((Transfer.community == community_id) | (Transfer.counter_community == community_id))
    return query.where(model.community == community_id)


BATCH = 100_000  # entries read at a time: psycopg2's cursor holds a whole result in memory
_FIRST = -(2 ** 62)  # below any seq or id, a forged one too
_CHAIN_COLUMNS = (Entry.seq, Entry.id, Entry.community, Entry.account, Entry.transfer, Entry.minutes,
                  Entry.balance_after, Entry.effective_date, Entry.prev_hash, Entry.hash)
_POSTING_COLUMNS = (Entry.id, Entry.community, Entry.account, Entry.minutes, Entry.balance_after)
# Raw rows (Prepared.tuples): at a city's ten million entries peewee's conversion of each value cost more
# than hashing them.
_CHAIN_BATCH = Prepared(lambda community_id, last, limit: Entry.select(*_CHAIN_COLUMNS).where(
    Entry.community == community_id, Entry.seq > last).order_by(Entry.seq).limit(limit))
_POSTING_BATCH = Prepared(lambda last, limit: Entry.select(*_POSTING_COLUMNS).where(
    Entry.id > last).order_by(Entry.id).limit(limit))
_COMMUNITY_POSTING_BATCH = Prepared(lambda community_id, last, limit: Entry.select(*_POSTING_COLUMNS).where(
    Entry.community == community_id, Entry.id > last).order_by(Entry.id).limit(limit))


def _batches(read, *params):
    """All rows of a Prepared query `read(*params, last, limit)` ordered by its first column, BATCH at a time."""
    last = _FIRST
    while True:
        rows = read.tuples(*params, last, BATCH)
        yield from rows
        if len(rows) < BATCH:
            return
        last = rows[-1][0]


def _date(value) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)  # SQLite's driver gives text


def _chain_and_running_balances(community_id):
    found = []
    communities = [community_id] if community_id is not None else [
        c for (c,) in Entry.select(Entry.community).distinct().order_by(Entry.community).tuples()]
    for current in communities:
        expected_seq, prev_hash = 1, GENESIS_HASH
        for seq, entry_id, community, account_id, transfer_id, minutes, balance_after, day, prev, digest in _batches(
                _CHAIN_BATCH, current):
            where = {"community_id": community, "entry_id": entry_id, "account_id": account_id}
            if seq != expected_seq:
                found.append(Violation("chain_sequence", f"entry seq {seq}, expected {expected_seq}", **where))
            if prev != prev_hash:
                found.append(Violation("chain_link", "prev_hash does not match the previous entry's hash", **where))
            if entry_hash(prev, community, seq, account_id, transfer_id, minutes, balance_after, _date(day)) != digest:
                found.append(Violation("chain_hash", "entry's hash does not match its contents (tampered?)", **where))
            expected_seq, prev_hash = seq + 1, digest
    # Running balances in posting order (entry id), not chain order: a household that moved (迁移) has entries
    # on two chains. A move empties the account on the old chain, so one community's stretch adds up on its own.
    running = defaultdict(int)
    postings = _batches(_POSTING_BATCH) if community_id is None else _batches(_COMMUNITY_POSTING_BATCH, community_id)
    for entry_id, community, account_id, minutes, balance_after in postings:
        running[account_id] += minutes
        if balance_after != running[account_id]:
            found.append(Violation("running_balance", f"balance_after {balance_after}, entries sum to {running[account_id]}",
                                   community_id=community, entry_id=entry_id, account_id=account_id))
    return found


def _transfers_sum_to_zero(community_id):
    """Invariants 1 and 10: each community's legs of every transfer sum to zero."""
    query = (
        Entry.select(Entry.transfer, Entry.community, fn.SUM(Entry.minutes).alias("total"))
        .group_by(Entry.transfer, Entry.community)
        .having(fn.SUM(Entry.minutes) != 0)
    )
    query = _scoped(query, Entry, community_id)
    return [Violation("transfer_sums_to_zero", f"legs sum to {row.total} in community {row.community_id}",
                      community_id=row.community_id, transfer_id=row.transfer_id)
            for row in query]


def _communities_sum_to_zero(community_id):
    """Invariant 1 per community: all of a community's balances sum to zero."""
    query = _scoped(Entry.select(Entry.community, fn.SUM(Entry.minutes).alias("total")), Entry, community_id)
    query = query.group_by(Entry.community).having(fn.SUM(Entry.minutes) != 0)
    return [Violation("community_sums_to_zero", f"the community's entries sum to {row.total}, not 0",
                      community_id=row.community_id) for row in query]


def _transfer_scope(community_id):
    """Invariant 10: a transfer's legs lie only in its community and, between two, the other one."""
    query = (Entry.select(Entry.id, Entry.community, Entry.transfer).join(Transfer)
             .where(Entry.community != Transfer.community,
                    Transfer.counter_community.is_null() | (Entry.community != Transfer.counter_community)))
    query = _scoped(query, Entry, community_id)
    return [Violation("transfer_scope", "a leg lies in a community the transfer does not name",
                      community_id=row.community_id, transfer_id=row.transfer_id, entry_id=row.id) for row in query]


def _networks(community_id):
    """Invariant 10: a network's clearing balances sum to zero and each stays within its community's limit
    (recomputed from the entries). One community: its network's; all: every network's."""
    found = []
    networks = Network.select()
    if community_id is not None:
        networks = networks.join(NetworkMember).where(NetworkMember.community == community_id)
    for network in networks:
        limits = dict(NetworkMember.select(NetworkMember.community, NetworkMember.limit_minutes)
                      .where(NetworkMember.network == network.id).tuples())
        sums = dict(Entry.select(Account.community, fn.SUM(Entry.minutes)).join(Account)
                    .where(Account.kind == "clearing", Account.community.in_(list(limits) or [0]))
                    .group_by(Account.community).tuples())
        total = sum(int(v or 0) for v in sums.values())
        if total != 0:
            found.append(Violation("network_clearing_sums_to_zero",
                                   f"network {network.id}'s clearing balances sum to {total}, not 0"))
        for member, limit in limits.items():
            position = int(sums.get(member) or 0)
            if abs(position) > limit:
                found.append(Violation("network_limit", f"network {network.id}: position {position} passes the "
                                       f"limit {limit}", community_id=member))
    return found


def _cached_balances(community_id):
    found = []
    sums = dict(_scoped(Entry.select(Entry.account, fn.SUM(Entry.minutes)), Entry, community_id)
                .group_by(Entry.account).tuples())
    holds = dict(_scoped(Transfer.select(Transfer.hold_account, fn.SUM(Transfer.minutes)), Transfer, community_id)
                 .where(Transfer.state == "pending").group_by(Transfer.hold_account).tuples())
    columns = (Account.id, Account.community, Account.kind, Account.posted_minutes, Account.pending_minutes)
    for account_id, account_community, kind, cached_posted, cached_pending in (
            _scoped(Account.select(*columns), Account, community_id).tuples()):
        posted, pending = int(sums.get(account_id) or 0), int(holds.get(account_id) or 0)
        where = {"community_id": account_community, "account_id": account_id}
        if cached_posted != posted:
            found.append(Violation("cached_posted", f"cached {cached_posted}, entries sum to {posted}", **where))
        if cached_pending != pending:
            found.append(Violation("cached_pending", f"cached {cached_pending}, holds sum to {pending}", **where))
        if kind == "household" and posted - pending < 0:
            found.append(Violation("available_floor", f"available {posted - pending} < 0", **where))
        if kind == "love_pool" and posted < 0:
            found.append(Violation("love_pool_floor", f"love pool at {posted} < 0", **where))
    return found


def _holds_and_reversals(community_id):
    """Holds posted for what they spent, unposted transfers without legs, reversals mirroring their
    originals. Only those transfers' legs are read (a city has millions of plain credits)."""
    found = []
    concerned = _scoped(Transfer.select(Transfer.id, Transfer.state, Transfer.minutes, Transfer.posted_minutes,
                                        Transfer.hold_account, Transfer.reverses, Transfer.community),
                        Transfer, community_id).where(
        Transfer.hold_account.is_null(False) | Transfer.reverses.is_null(False) | (Transfer.state != "posted"))
    transfers = list(concerned.tuples())
    wanted = {t[0] for t in transfers} | {t[5] for t in transfers if t[5]}
    legs = defaultdict(dict)
    ids = sorted(wanted)
    for chunk in range(0, len(ids), 10_000):
        query = Entry.select(Entry.transfer, Entry.account, Entry.minutes).where(Entry.transfer.in_(ids[chunk:chunk + 10_000]))
        for transfer_id, account_id, minutes in _scoped(query, Entry, community_id).tuples():
            legs[transfer_id][account_id] = legs[transfer_id].get(account_id, 0) + minutes
    for transfer_id, state, minutes, posted_minutes, hold_account_id, reverses_id, transfer_community in transfers:
        mine = legs.get(transfer_id, {})
        if state in ("pending", "voided") and mine:
            found.append(Violation("unposted_has_entries", f"{state} transfer has entries", transfer_id=transfer_id))
        # A hold's household leg lies in its own community (a payback served by a neighbour also has legs in
        # the volunteer's community, whose check sees only those): checked where the hold was made.
        if hold_account_id and state == "posted" and community_id in (None, transfer_community):
            spent = -mine.get(hold_account_id, 0)
            if spent != (posted_minutes or 0) or spent > minutes:
                found.append(Violation("hold_posting", f"spent {spent} of a {minutes} hold "
                                       f"recorded as {posted_minutes}", transfer_id=transfer_id))
        if reverses_id:
            original = legs.get(reverses_id, {})
            if {k: -v for k, v in original.items()} != mine:
                found.append(Violation("reversal_mirrors_original", "reversal legs differ from the original's",
                                       transfer_id=transfer_id))
    return found


def _records_credited_once(community_id):
    found = []
    # A credit reversed (an audit's finding, a correction's first half) no longer stands: a corrected
    # record has its old credit, that credit's reversal and the corrected credit.
    taken_back = Transfer.select(Transfer.reverses).where(Transfer.reverses.is_null(False))
    query = (_scoped(Transfer.select(Transfer.record_id, Transfer.id), Transfer, community_id)
             .where(Transfer.code.in_(CREDIT_CODES), Transfer.id.not_in(taken_back),
                    Transfer.record_id.in_(_scoped(Transfer.select(Transfer.record_id), Transfer, community_id)
                                           .where(Transfer.code.in_(CREDIT_CODES), Transfer.id.not_in(taken_back))
                                           .group_by(Transfer.record_id).having(fn.COUNT(Transfer.id) > 1)))
             .order_by(Transfer.record_id, Transfer.id))
    credits = defaultdict(list)
    for record_id, transfer_id in query.tuples():
        credits[record_id].append(transfer_id)
    for record_id, ids in credits.items():
        found.append(Violation("record_credited_once", f"record {record_id} credited by transfers {ids}"))
    return found


def _statements(community_id):
    """Each statement against its account's entries: one grouped query per closed month."""
    found = []
    query = Statement.select(Statement.year, Statement.month).join(Account).distinct()
    if community_id is not None:
        query = query.where(Account.community == community_id)
    for year, month in query.tuples():
        start, end = month_bounds(year, month)
        before, inside = Entry.effective_date < start, (Entry.effective_date >= start) & (Entry.effective_date < end)
        closed = (Statement.select(Statement.account).join(Account)
                  .where(Statement.year == year, Statement.month == month))
        if community_id is not None:
            closed = closed.where(Account.community == community_id)
        sums = {account: (int(opening), int(minutes_in), -int(minutes_out)) for account, opening, minutes_in, minutes_out in (
            Entry.select(Entry.account,
                         fn.COALESCE(fn.SUM(Case(None, [(before, Entry.minutes)], 0)), 0),
                         fn.COALESCE(fn.SUM(Case(None, [(inside & (Entry.minutes > 0), Entry.minutes)], 0)), 0),
                         fn.COALESCE(fn.SUM(Case(None, [(inside & (Entry.minutes < 0), Entry.minutes)], 0)), 0))
            .where(Entry.account.in_(closed), Entry.effective_date < end)
            .group_by(Entry.account).tuples())}
        statements = (Statement.select(Statement.account, Account.community, Statement.opening_minutes,
                                       Statement.minutes_in, Statement.minutes_out).join(Account)
                      .where(Statement.year == year, Statement.month == month))
        if community_id is not None:
            statements = statements.where(Account.community == community_id)
        for account_id, account_community, opening_s, in_s, out_s in statements.tuples():
            opening, minutes_in, minutes_out = sums.get(account_id, (0, 0, 0))
            if (opening, minutes_in, minutes_out) != (opening_s, in_s, out_s):
                found.append(Violation(
                    "statement_matches_entries",
                    f"{year}-{month:02d}: statement {opening_s}/+{in_s}/-{out_s}, entries {opening}/+{minutes_in}/-{minutes_out}",
                    community_id=account_community, account_id=account_id))
    return found


def _member_years(community_id):
    found = []
    query = ServiceRecord.select(ServiceRecord.volunteer, ServiceRecord.started_at, ServiceRecord.credited_minutes).where(
        ServiceRecord.status == "credited")
    if community_id is not None:
        # A member's yearly total counts every community they served in (a household that moved, 迁移):
        # the community's volunteers, with all their credited records.
        query = query.where(ServiceRecord.volunteer.in_(_scoped(ServiceRecord.select(ServiceRecord.volunteer).where(
            ServiceRecord.status == "credited"), ServiceRecord, community_id)))
    year = ServiceRecord.started_at.year
    expected = defaultdict(int)
    for volunteer, record_year, minutes in (query.select(ServiceRecord.volunteer, year, fn.SUM(ServiceRecord.credited_minutes))
                                            .group_by(ServiceRecord.volunteer, year).tuples()):
        expected[(volunteer, int(record_year))] += int(minutes or 0)
    cached = MemberYear.select(MemberYear.member, MemberYear.year, MemberYear.minutes)
    if community_id is not None:
        cached = cached.where(MemberYear.member.in_(list({member for member, _ in expected}) or [0]))
    for member_id, cached_year, minutes in cached.tuples():
        if minutes != expected.pop((member_id, cached_year), 0):
            found.append(Violation("member_year_totals", f"member {member_id} {cached_year}: cached {minutes}"))
    for (member_id, year), minutes in expected.items():
        if minutes:
            found.append(Violation("member_year_totals", f"member {member_id} {year}: {minutes} not cached"))
    return found
