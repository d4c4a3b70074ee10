"""每月汇总登记: every community's month closed once, whatever runs it, and the register matches the ledger."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from peewee import fn

from server import clock
from server.models import Account, Entry, Household, Statement
from server.services.ledger import core as ledger
from server.services.ledger import ledger_ops, ledger_verify
from server.services.ledger.statements import _per_member, month_bounds, month_sums
from server.services.oversight import monthly_close
from tests.factories import (
    credited_record,
    headers,
    make_community,
    make_coordinator,
    make_member,
    make_volunteer,
)


@pytest.fixture
def march(any_app):
    """A community whose March had credits, a love-pool donation and a grant; the clock is now 2 April."""
    community = make_community()
    coordinator = make_coordinator(community)
    volunteer, _ = make_volunteer(community, name="李建国")
    nurse, _ = make_volunteer(community, name="孙丽")
    resident = make_member(community, name="王秀兰")
    clock.freeze(dt.datetime(2026, 3, 10, 12, 0))
    credited_record(volunteer, resident, minutes=120)
    credited_record(nurse, resident, minutes=90, start_hour=8)
    ledger_ops.donate(volunteer, minutes=30, note="献给爱心池", key="don-1")
    ledger_ops.grant(coordinator, Household.get_by_id(resident.household_id), minutes=30, reason="独居老人", key="grant-1")
    clock.freeze(dt.datetime(2026, 4, 2, 1, 0))
    yield community, coordinator, volunteer, resident
    clock.freeze(None)


def test_closing_twice_makes_one_statement_per_household(march):
    community, *_ = march
    assert monthly_close.close_last_month()[community.id] == 3
    assert monthly_close.close_last_month()[community.id] == 3
    households = Household.select().where(Household.community == community.id).count()
    assert Statement.select().join(Household).where(Household.community == community.id).count() == households == 3
    assert monthly_close.closed_months(community.id) == [(2026, 3, 3)]


def test_statement_figures_equal_the_ledger(march):
    community, *_ = march
    monthly_close.close_last_month()
    start, end = month_bounds(2026, 3)
    for statement in Statement.select():
        entries = Entry.select().where(Entry.account == statement.account_id, Entry.effective_date >= start,
                                       Entry.effective_date < end)
        assert statement.minutes_in == sum(e.minutes for e in entries if e.minutes > 0)
        assert statement.minutes_out == -sum(e.minutes for e in entries if e.minutes < 0)
        assert statement.closing_minutes == Account.get_by_id(statement.account_id).posted_minutes
    assert ledger_verify.verify(community.id) == []


def test_a_month_closed_after_the_next_began_has_the_figures_its_own_entries_give(march):
    """The close reads each household's balance now less what was dated since the month began: hours
    that moved in April before March was closed are not March's, and every figure is the one
    `close_month`'s sums over March's own entries give (per member too)."""
    community, coordinator, volunteer, resident = march
    clock.freeze(dt.datetime(2026, 4, 2, 15, 0))
    credited_record(volunteer, resident, minutes=60)  # April
    ledger_ops.adjust(coordinator, Household.get_by_id(resident.household_id), minutes=45, reason="补记", key="apr")
    monthly_close.close_last_month()
    start, end = month_bounds(2026, 3)
    statements = list(Statement.select())
    assert len(statements) == 3
    for statement in statements:
        assert (statement.opening_minutes, statement.minutes_in, statement.minutes_out) == \
            month_sums(statement.account_id, start, end)
        assert statement.per_member == _per_member(statement.household_id, start, end)
    li = Statement.get(Statement.household == volunteer.household_id)
    assert (li.opening_minutes, li.minutes_in, li.minutes_out, li.closing_minutes) == (0, 120, 30, 90)
    assert li.per_member == [{"member_id": volunteer.id, "name": "李建国", "minutes": 120}]
    assert ledger_verify.verify(community.id) == []


def test_an_entry_dated_in_a_closed_month_is_refused(march):
    community, coordinator, volunteer, _ = march
    monthly_close.close_last_month()
    clock.freeze(dt.datetime(2026, 3, 31, 23, 0))  # a clock that says March again
    with pytest.raises(ledger.MonthClosed):
        ledger_ops.adjust(coordinator, Household.get_by_id(volunteer.household_id), minutes=30, reason="补记",
                          key="late-march")
    clock.freeze(dt.datetime(2026, 4, 2, 9, 0))
    ledger_ops.adjust(coordinator, Household.get_by_id(volunteer.household_id), minutes=30, reason="补记",
                      key="april")  # corrections go into the current month
    assert ledger_verify.verify(community.id) == []


def _sheet_rows(sheet):
    return [row for row in sheet.iter_rows(min_row=4, values_only=True) if row[0] is not None]


def test_register_xlsx_rows_and_totals_match_the_ledger(march):
    community, *_ = march
    monthly_close.close_last_month()
    book = load_workbook(io.BytesIO(monthly_close.register_xlsx(community, 2026, 3)))
    assert book.sheetnames == ["汇总登记", "成员服务", "合计"]
    rows = _sheet_rows(book["汇总登记"])
    assert len(rows) == 3
    by_name = {row[1]: row for row in rows}
    li = by_name["李建国家"]
    assert [round(v * 60) for v in li[3:7]] == [0, 120, 30, 90]  # opening, in, out (donation), closing
    assert "李建国 2.0小时" in li[7]
    members = {(r[0], r[1]): round(r[2] * 60) for r in _sheet_rows(book["成员服务"])}
    assert members == {("李建国家", "李建国"): 120, ("孙丽家", "孙丽"): 90}
    totals = {row[0]: row[1] for row in book["合计"].iter_rows(min_row=4, values_only=True) if row[0]}
    households = int(Account.select(fn.SUM(Account.posted_minutes)).where(
        Account.community == community.id, Account.kind == "household").scalar())
    assert round(totals["期末合计"] * 60) == households == 90 + 90 + 30
    assert round(totals["社区爱心池月末余额"] * 60) == ledger.system_account(community.id, "love_pool").posted_minutes == 0
    assert any("平衡" in str(row[0]) for row in book["合计"].iter_rows(values_only=True) if row[0])


def test_register_of_an_open_month_names_the_month(march):
    community, *_ = march
    with pytest.raises(monthly_close.RuleBroken) as refused:
        monthly_close.register(community, 2026, 3)
    assert refused.value.field == "month"


def test_register_download_is_for_that_communitys_coordinators(march, any_app):
    community, coordinator, volunteer, _ = march
    other = make_community()
    monthly_close.close_last_month()
    client = any_app.test_client()
    url = f"/api/v1/communities/{community.id}/statements/register?year=2026&month=3"
    answer = client.get(url, headers=headers(any_app, coordinator))
    assert answer.status_code == 200 and answer.mimetype.endswith("spreadsheetml.sheet")
    assert "filename*=UTF-8''" in answer.headers["Content-Disposition"]
    assert load_workbook(io.BytesIO(answer.data)).sheetnames[0] == "汇总登记"
    assert client.get(url, headers=headers(any_app, make_coordinator(other))).status_code == 404
    assert client.get(url, headers=headers(any_app, volunteer)).status_code == 403
    missing = client.get(f"/api/v1/communities/{community.id}/statements/register?year=2026&month=4",
                         headers=headers(any_app, coordinator))
    assert missing.status_code == 422 and "month" in missing.json["errors"]["json"]


def test_a_household_name_that_looks_like_a_formula_stays_text(march):
    community, *_ = march
    Household.update(name="=HYPERLINK(\"http://x\")").where(Household.community == community.id).execute()
    monthly_close.close_last_month()
    book = load_workbook(io.BytesIO(monthly_close.register_xlsx(community, 2026, 3)))
    cell = book["汇总登记"]["B4"]
    assert cell.value.startswith("=HYPERLINK") and cell.data_type == "s"


def test_a_running_month_is_refused_by_the_service_even_with_no_household_to_close(any_app):
    """The month rule lives in `statements`, not in the route: a community with no households yet
    (nothing for the per-household check to see) still cannot close the month it is in."""
    from server.errors import RuleBroken
    from server.services.ledger import statements

    community = make_community()
    clock.freeze(dt.datetime(2026, 4, 30, 23, 0))
    try:
        with pytest.raises(RuleBroken) as running:
            statements.close_community_month(community.id, 2026, 4)
        assert (running.value.field, running.value.rule) == ("month", "month_not_over")
        assert statements.close_community_month(community.id, 2026, 3) == 0
    finally:
        clock.freeze(None)
