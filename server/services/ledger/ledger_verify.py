"""Ledger verification: recompute every invariant from the entries and report what differs.

The quarterly audit calls `verify()`; so does `lovebank verify-ledger`. It reads, never
writes, and streams entries in chain order so a large ledger is checked in one pass.
Checking one community checks the transfers it shares with another (each community's own
legs) and its network (clearing balances sum to zero, positions within limits: docs/ledger.md, invariant 10);
checking everything checks every community and every network.
"""

from collections import defaultdict
from dataclasses import asdict, dataclass

from peewee import fn

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
from server.services.ledger.statements import month_bounds, month_sums

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


def _chain_and_running_balances(community_id):
    found = []
    query = _scoped(Entry.select(), Entry, community_id).order_by(Entry.community, Entry.seq)
    expected_seq, prev_hash, current = {}, {}, None
    for entry in query.iterator():
        if entry.community_id != current:
            current = entry.community_id
            expected_seq[current], prev_hash[current] = 1, GENESIS_HASH
        where = {"community_id": entry.community_id, "entry_id": entry.id, "account_id": entry.account_id}
        if entry.seq != expected_seq[current]:
            found.append(Violation("chain_sequence", f"entry seq {entry.seq}, expected {expected_seq[current]}", **where))
        if entry.prev_hash != prev_hash[current]:
            found.append(Violation("chain_link", "prev_hash does not match the previous entry's hash", **where))
        recomputed = entry_hash(entry.prev_hash, entry.community_id, entry.seq, entry.account_id, entry.transfer_id,
                                 entry.minutes, entry.balance_after, entry.effective_date)
        if recomputed != entry.hash:
            found.append(Violation("chain_hash", "entry's hash does not match its contents (tampered?)", **where))
        expected_seq[current] = entry.seq + 1
        prev_hash[current] = entry.hash
    # Running balances in posting order (entry id), not chain order: a household that moved (迁移) has entries
    # on two chains. A move empties the account on the old chain, so one community's stretch adds up on its own.
    running = defaultdict(int)
    columns = (Entry.id, Entry.community, Entry.account, Entry.minutes, Entry.balance_after)
    for entry_id, community, account_id, minutes, balance_after in (
            _scoped(Entry.select(*columns), Entry, community_id).order_by(Entry.id).tuples().iterator()):
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
    for account in _scoped(Account.select(), Account, community_id):
        posted, pending = int(sums.get(account.id) or 0), int(holds.get(account.id) or 0)
        where = {"community_id": account.community_id, "account_id": account.id}
        if account.posted_minutes != posted:
            found.append(Violation("cached_posted", f"cached {account.posted_minutes}, entries sum to {posted}", **where))
        if account.pending_minutes != pending:
            found.append(Violation("cached_pending", f"cached {account.pending_minutes}, holds sum to {pending}", **where))
        if account.kind == "household" and posted - pending < 0:
            found.append(Violation("available_floor", f"available {posted - pending} < 0", **where))
        if account.kind == "love_pool" and posted < 0:
            found.append(Violation("love_pool_floor", f"love pool at {posted} < 0", **where))
    return found


def _holds_and_reversals(community_id):
    found = []
    legs = defaultdict(dict)
    for entry in _scoped(Entry.select(Entry.transfer, Entry.account, Entry.minutes), Entry, community_id):
        legs[entry.transfer_id][entry.account_id] = legs[entry.transfer_id].get(entry.account_id, 0) + entry.minutes
    for transfer in _scoped(Transfer.select(), Transfer, community_id):
        mine = legs.get(transfer.id, {})
        if transfer.state in ("pending", "voided") and mine:
            found.append(Violation("unposted_has_entries", f"{transfer.state} transfer has entries", transfer_id=transfer.id))
        # A hold's household leg lies in its own community (a payback served by a neighbour also has legs in
        # the volunteer's community, whose check sees only those): checked where the hold was made.
        if transfer.hold_account_id and transfer.state == "posted" and community_id in (None, transfer.community_id):
            spent = -mine.get(transfer.hold_account_id, 0)
            if spent != (transfer.posted_minutes or 0) or spent > transfer.minutes:
                found.append(Violation("hold_posting", f"spent {spent} of a {transfer.minutes} hold "
                                       f"recorded as {transfer.posted_minutes}", transfer_id=transfer.id))
        if transfer.reverses_id:
            original = legs.get(transfer.reverses_id, {})
            if {k: -v for k, v in original.items()} != mine:
                found.append(Violation("reversal_mirrors_original", "reversal legs differ from the original's",
                                       transfer_id=transfer.id))
    return found


def _records_credited_once(community_id):
    found = []
    credits = defaultdict(list)
    query = _scoped(Transfer.select(), Transfer, community_id).where(Transfer.code.in_(CREDIT_CODES))
    # A credit reversed (an audit's finding, a correction's first half) no longer stands: a corrected
    # record has its old credit, that credit's reversal and the corrected credit.
    taken_back = {t.reverses_id for t in _scoped(Transfer.select(Transfer.reverses), Transfer, community_id)
                  .where(Transfer.reverses.is_null(False))}
    for transfer in query:
        if transfer.id not in taken_back:
            credits[transfer.record_id].append(transfer.id)
    for record_id, ids in credits.items():
        if len(ids) > 1:
            found.append(Violation("record_credited_once", f"record {record_id} credited by transfers {ids}"))
    return found


def _statements(community_id):
    found = []
    query = Statement.select(Statement, Account).join(Account)
    if community_id is not None:
        query = query.where(Account.community == community_id)
    for statement in query:
        start, end = month_bounds(statement.year, statement.month)
        opening, minutes_in, minutes_out = month_sums(statement.account_id, start, end)
        if (opening, minutes_in, minutes_out) != (statement.opening_minutes, statement.minutes_in, statement.minutes_out):
            found.append(Violation(
                "statement_matches_entries",
                f"{statement.year}-{statement.month:02d}: statement {statement.opening_minutes}/+{statement.minutes_in}"
                f"/-{statement.minutes_out}, entries {opening}/+{minutes_in}/-{minutes_out}",
                community_id=statement.account.community_id, account_id=statement.account_id))
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
    expected = defaultdict(int)
    for record in query:
        expected[(record.volunteer_id, record.started_at.year)] += record.credited_minutes or 0
    cached = MemberYear.select()
    if community_id is not None:
        cached = cached.where(MemberYear.member.in_([member for member, _ in expected] or [0]))
    for row in cached:
        if row.minutes != expected.pop((row.member_id, row.year), 0):
            found.append(Violation("member_year_totals", f"member {row.member_id} {row.year}: cached {row.minutes}"))
    for (member_id, year), minutes in expected.items():
        if minutes:
            found.append(Violation("member_year_totals", f"member {member_id} {year}: {minutes} not cached"))
    return found
