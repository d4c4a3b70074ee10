"""每月汇总登记: closing a household's month into a statement, after which it takes no entries.

A statement holds the opening balance, the minutes in and out, the closing balance and
each member's service minutes that month. Closing locks the community's ledger chain,
so no posting can slip into the month while its figures are being added up. Closing
twice changes nothing (UNIQUE account, year, month). Each statement is signed as it closes, with the
community's chain head at that moment (`signing`, docs/ledger.md "Signed statements").
"""

import csv
import datetime as dt
import io

from peewee import Case, Value, fn

from server import clock
from server.db import database, is_postgres
from server.errors import NotFound, RuleBroken
from server.models import Account, Community, Entry, Household, LedgerChain, Member, ServiceRecord, Statement
from server.services.ledger import core as ledger
from server.services.ledger import signing
from server.services.people import core as people


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, month, 1)
    end = dt.date(year + (month == 12), month % 12 + 1, 1)
    return start, end


def previous_month(day: dt.date) -> tuple[int, int]:
    first = day.replace(day=1) - dt.timedelta(days=1)
    return first.year, first.month


def month_sums(account_id: int, start: dt.date, end: dt.date) -> tuple[int, int, int]:
    before = (Entry.select(fn.COALESCE(fn.SUM(Entry.minutes), 0))
              .where(Entry.account == account_id, Entry.effective_date < start).scalar())
    minutes_in = (Entry.select(fn.COALESCE(fn.SUM(Entry.minutes), 0))
                  .where(Entry.account == account_id, Entry.effective_date >= start, Entry.effective_date < end,
                         Entry.minutes > 0).scalar())
    minutes_out = (Entry.select(fn.COALESCE(fn.SUM(Entry.minutes), 0))
                   .where(Entry.account == account_id, Entry.effective_date >= start, Entry.effective_date < end,
                          Entry.minutes < 0).scalar())
    return int(before or 0), int(minutes_in or 0), -int(minutes_out or 0)


def month_sums_of(account_ids: list[int], start: dt.date, end: dt.date) -> dict[int, tuple[int, int, int]]:
    """`month_sums` of many accounts in grouped queries: {account: (opening, in, out)} (none: no entries).

    The accounts are named one by one (not by a join on their community), so that PostgreSQL reads
    their entries by index (account, id) whatever the size of the rest of the ledger."""
    before, inside = Entry.effective_date < start, (Entry.effective_date >= start) & (Entry.effective_date < end)
    sums = {}
    for chunk in range(0, len(account_ids), 1000):
        sums.update({account: (int(opening), int(minutes_in), -int(minutes_out))
                     for account, opening, minutes_in, minutes_out in (
            Entry.select(Entry.account,
                         fn.COALESCE(fn.SUM(Case(None, [(before, Entry.minutes)], 0)), 0),
                         fn.COALESCE(fn.SUM(Case(None, [(inside & (Entry.minutes > 0), Entry.minutes)], 0)), 0),
                         fn.COALESCE(fn.SUM(Case(None, [(inside & (Entry.minutes < 0), Entry.minutes)], 0)), 0))
            .where(Entry.account.in_(account_ids[chunk:chunk + 1000]), Entry.effective_date < end)
            .group_by(Entry.account).tuples())})
    return sums


def _per_member(household_id: int, start: dt.date, end: dt.date) -> list[dict]:
    rows = (
        ServiceRecord.select(ServiceRecord.volunteer, Member.name, fn.SUM(ServiceRecord.credited_minutes).alias("m"))
        .join(Member, on=(ServiceRecord.volunteer == Member.id))
        .where(Member.household == household_id, ServiceRecord.status == "credited",
               ServiceRecord.started_at >= dt.datetime.combine(start, dt.time()),
               ServiceRecord.started_at < dt.datetime.combine(end, dt.time()))
        .group_by(ServiceRecord.volunteer, Member.name)
        .order_by(ServiceRecord.volunteer)
        .tuples()
    )
    return [{"member_id": member_id, "name": name, "minutes": int(minutes or 0)} for member_id, name, minutes in rows]


def month_over(year: int, month: int) -> bool:
    """Only a month that has ended can be closed (its last day is over)."""
    return month_bounds(year, month)[1] <= clock.today()


def close_month(household: Household, year: int, month: int) -> Statement:
    """Close one household's month; a month still running cannot be closed."""
    start, end = month_bounds(year, month)
    if not month_over(year, month):
        raise RuleBroken("这个月还没有过完，不能结账", field="month", rule="month_not_over")
    account = ledger.household_account(household.id)
    with database.atomic():
        ledger.hold_community(household.community_id)
        existing = Statement.get_or_none(Statement.account == account.id, Statement.year == year, Statement.month == month)
        if existing is not None:
            return existing
        opening, minutes_in, minutes_out = month_sums(account.id, start, end)
        Statement.insert(
            account=account.id, household=household.id, year=year, month=month, opening_minutes=opening,
            minutes_in=minutes_in, minutes_out=minutes_out, closing_minutes=opening + minutes_in - minutes_out,
            per_member=_per_member(household.id, start, end), closed_at=clock.now(),
        ).on_conflict_ignore().execute()
        statement = Statement.get(Statement.account == account.id, Statement.year == year, Statement.month == month)
        return signing.sign(statement)  # still holding the chain: its head is the one at close


def view(statement: Statement) -> dict:
    """A statement for the API: its figures and its signature's state (the words come from `signing`)."""
    return {
        "id": statement.id, "year": statement.year, "month": statement.month,
        "opening_minutes": statement.opening_minutes, "minutes_in": statement.minutes_in,
        "minutes_out": statement.minutes_out, "closing_minutes": statement.closing_minutes,
        "per_member": statement.per_member, "closed_at": statement.closed_at, **signing.signature_state(statement),
    }


def listing(viewer: Member, household: Household | int) -> list[Statement]:
    """A household's monthly statements, newest first: its members and its community's coordinators."""
    household = people.household_for(viewer, household)
    return list(Statement.select().where(Statement.household == household.id)
                .order_by(Statement.year.desc(), Statement.month.desc()))


def statement_scope(statement_id: int) -> int | None:
    """The auth gate's scope for /statements/<id>/…: its household's community (None: missing)."""
    return (Statement.select(Household.community).join(Household, on=(Statement.household == Household.id))
            .where(Statement.id == statement_id).scalar())


def statement_for(viewer: Member, statement_id: int) -> Statement:
    """One statement, for its household's members and its community's coordinators."""
    statement = Statement.get_or_none(Statement.id == statement_id)
    if statement is None:
        raise NotFound()
    people.household_for(viewer, statement.household_id)
    return statement


VERIFIED_LABEL, NOT_VERIFIED_LABEL, UNSIGNED_NOTE = "校验通过", "校验未通过", "这份月结单在签名功能启用前结账，没有签名"


def signed_for(viewer: Member, statement_id: int) -> dict:
    """The signed statement of a household's month: the document, its compact form (the QR code's text)
    and this bank's own check of it, with the words to show."""
    statement = statement_for(viewer, statement_id)
    document = signing.signed(statement)
    state = signing.signature_state(statement)
    if document is None:
        return {"statement_id": statement.id, **state, "document": None, "compact": None, "valid": False,
                "verification_label": UNSIGNED_NOTE, "reasons": []}
    result = signing.verify(document)
    return {"statement_id": statement.id, **state, "document": document, "compact": signing.compact(document),
            "valid": result["valid"], "verification_label": VERIFIED_LABEL if result["valid"] else NOT_VERIFIED_LABEL,
            "reasons": result["reasons"]}


def close_community_month(community_id: int, year: int, month: int) -> int:
    """Close the month for every household of a community; returns how many statements exist for it.

    Set-based, in one transaction holding the community's chain (issue 17: a city's 300,000 households
    closed one transaction and a dozen queries each took half an hour): its households, their balances and
    statements in two queries (`_households_of`), the entries dated since the month began in one more, its
    members' service minutes in two, every statement signed here with the key looked up once and written
    together. The figures
    are `close_month`'s, household by household."""
    if not month_over(year, month):
        raise RuleBroken("只能结已经过完的月份", field="month", rule="month_not_over")
    start, end = month_bounds(year, month)
    with database.atomic():
        ledger.hold_community(community_id)
        households = _households_of(community_id, year, month)
        still_open = [(household, account, posted) for household, account, posted, statement in households
                      if statement is None]
        if still_open:
            _close_together(community_id, still_open, year, month, start, end)
    return len(households)


_STATEMENT_COLUMNS = ("account_id", "household_id", "year", "month", "opening_minutes", "minutes_in", "minutes_out",
                      "closing_minutes", "per_member", "closed_at", "chain_seq", "chain_hash", "signed_form", "key_id",
                      "signature")
_ROWS_PER_INSERT = 500
_IDS_PER_QUERY = 1000


def _households_of(community_id: int, year: int, month: int) -> list[tuple[int, int, int, int | None]]:
    """(household, account, balance now, statement of the month or None) of every household of the community
    with an account, by household. Each step is read by its own index whatever the planner believes of the
    month: joined in one query, PostgreSQL read every statement of the month so far by (year, month) for each
    community (the month's statements are new, so its statistics say there are none), a cost growing with
    the square of the city, and every account of the city by a hash join."""
    ids = [household for (household,) in Household.select(Household.id).where(Household.community == community_id)
           .order_by(Household.id).tuples()]
    # The statement as a subquery per account, found by account: the account's statements (one a month) are
    # read by an index on account. `+ 0`: no index can answer year or month, so the (year, month) index is never
    # taken. The statistics of a month being closed (none of its statements yet) made that index look best, and
    # each probe then read every statement of the month so far (at a third of a city, 2.9 billion rows and
    # twelve minutes).
    statement = (Statement.select(Statement.id).where((Statement.account == Account.id) & (Statement.year + 0 == year)
                                                       & (Statement.month + 0 == month)))
    accounts = {}
    for chunk in _chunks(ids):
        accounts.update({household: (account, posted, statement_id) for household, account, posted, statement_id in (
            Account.select(Account.household, Account.id, Account.posted_minutes, statement)
            .where(_among(Account.household, chunk)).tuples())})
    return [(household, *accounts[household]) for household in ids if household in accounts]


def _chunks(ids: list[int]):
    for chunk in range(0, len(ids), _IDS_PER_QUERY):
        yield ids[chunk:chunk + _IDS_PER_QUERY]


def _among(field, ids: list[int]):
    """`field IN ids`: on PostgreSQL as `= ANY(%s)` with the ids as one array (peewee renders an IN list as a
    parameter per id, which at a city's size cost more than running the queries)."""
    if is_postgres():
        return field == fn.ANY(Value(ids, unpack=False))
    return field.in_(ids)


def _figures_since(balances: dict[int, int], start: dt.date, end: dt.date) -> dict[int, tuple[int, int, int]]:
    """{account: (opening, in, out)} of the month [start, end) from each account's balance now (`balances`,
    `Account.posted_minutes`) less what was dated since `start`: only the entries of the month and after are
    read (index (account, effective_date)), however old the ledger. Right only while the accounts' chain is
    held (the cached balance and the entries then agree: verify-ledger's `cached_posted`)."""
    inside = Entry.effective_date < end
    since = {account: (0, 0, 0) for account in balances}
    for chunk in _chunks(list(balances)):
        since.update({account: (int(total), int(minutes_in), -int(minutes_out)) for account, total, minutes_in, minutes_out in (
            Entry.select(Entry.account, fn.SUM(Entry.minutes),
                         fn.COALESCE(fn.SUM(Case(None, [(inside & (Entry.minutes > 0), Entry.minutes)], 0)), 0),
                         fn.COALESCE(fn.SUM(Case(None, [(inside & (Entry.minutes < 0), Entry.minutes)], 0)), 0))
            .where(_among(Entry.account, chunk), Entry.effective_date >= start)
            .group_by(Entry.account).tuples())})
    return {account: (balances[account] - total, minutes_in, minutes_out)
            for account, (total, minutes_in, minutes_out) in since.items()}


def _served(household_ids: list[int], start: dt.date, end: dt.date) -> dict[int, list[dict]]:
    """{household: per_member} of the month, as `_per_member` (members by volunteer id): the households'
    members first, then their credited records by index (volunteer, started_at). (Joined in one query,
    PostgreSQL read every record of the city once per community.)"""
    members = {}
    for chunk in _chunks(household_ids):
        members.update({member_id: (household_id, name) for member_id, household_id, name in (
            Member.select(Member.id, Member.household, Member.name).where(_among(Member.household, chunk)).tuples())})
    served = {}
    for chunk in _chunks(sorted(members)):
        for member_id, minutes in (
            ServiceRecord.select(ServiceRecord.volunteer, fn.SUM(ServiceRecord.credited_minutes))
            .where(_among(ServiceRecord.volunteer, chunk), ServiceRecord.status == "credited",
                   ServiceRecord.started_at >= dt.datetime.combine(start, dt.time()),
                   ServiceRecord.started_at < dt.datetime.combine(end, dt.time()))
            .group_by(ServiceRecord.volunteer).order_by(ServiceRecord.volunteer).tuples()
        ):
            household_id, name = members[member_id]
            served.setdefault(household_id, []).append({"member_id": member_id, "name": name,
                                                        "minutes": int(minutes or 0)})
    return served


def _close_together(community_id: int, households: list[tuple[int, int, int]], year: int, month: int,
                    start: dt.date, end: dt.date) -> None:
    """`close_month` for many (household, account, balance now) of one community at once (the caller holds
    its chain).

    A city closes 300,000 households on the 1st: the rows go to PostgreSQL by COPY (elsewhere by multi-row
    INSERTs), since peewee's insert of as many model rows cost more than everything else."""
    figures = _figures_since({account: posted for _, account, posted in households}, start, end)
    served = _served([household for household, _, _ in households], start, end)
    closed_at = clock.now()
    chain = LedgerChain.get_or_none(LedgerChain.community == community_id)
    key, private = signing.signing_key(community_id, at=closed_at)
    signer = signing.CloseSigner(Community.get_by_id(community_id), chain, key, private, year, month, closed_at)
    per_member = Statement.per_member.db_value
    rows = []
    for household_id, account_id, _ in households:
        opening, minutes_in, minutes_out = figures[account_id]
        closing = opening + minutes_in - minutes_out
        signed_form, signature = signer.sign(household_id, opening, minutes_in, minutes_out, closing)
        rows.append((account_id, household_id, year, month, opening, minutes_in, minutes_out, closing,
                     per_member(served.get(household_id, [])), closed_at, signer.chain_seq, signer.chain_hash,
                     signed_form, signer.key_id, signature))
    _insert_statements(rows)


def _insert_statements(rows: list[tuple]) -> None:
    """Write statement rows (`_STATEMENT_COLUMNS`). The caller holds the community's chain, under which no
    other close can write these households' statements: on PostgreSQL one COPY (a statement already there
    is an IntegrityError, not skipped)."""
    columns = ", ".join(_STATEMENT_COLUMNS)
    if is_postgres():
        data = io.StringIO()
        csv.writer(data, quoting=csv.QUOTE_ALL, lineterminator="\n").writerows(rows)
        data.seek(0)
        database.cursor().copy_expert(f'COPY "statement" ({columns}) FROM STDIN WITH (FORMAT csv)', data)
        return
    one = "(" + ", ".join([database.obj.param] * len(_STATEMENT_COLUMNS)) + ")"
    for chunk in range(0, len(rows), _ROWS_PER_INSERT):
        batch = rows[chunk:chunk + _ROWS_PER_INSERT]
        database.execute_sql(f'INSERT INTO "statement" ({columns}) VALUES {", ".join([one] * len(batch))} '
                             "ON CONFLICT DO NOTHING", [value for row in batch for value in row])
