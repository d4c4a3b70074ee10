"""The printed passbook over HTTP (issue 16 §3): does the station's printout hold the lines, balances and
witnesses; does printing again go on after the last printed line; does a range reprint leave the mark alone;
who may print; which dates are refused; and can the QR code be checked?"""

import datetime as dt
import hashlib
import io
import json

import pytest
from pypdf import PdfReader

from server import clock
from server.models import Household, PassbookPrintout
from server.services.ledger import ledger_ops, passbook, signing
from server.services.oversight import passbook_pdf
from tests.factories import (
    credited_record,
    headers,
    make_community,
    make_coordinator,
    make_member,
    make_volunteer,
)


def _text(answer) -> str:
    assert answer.status_code == 200, answer.json
    assert answer.mimetype == "application/pdf" and answer.data.startswith(b"%PDF")
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(answer.data)).pages)


@pytest.fixture
def story(any_app):
    """A volunteer's household earns 90 minutes on 15 September (witnessed by 李桂兰) and spends 30 on the
    20th; the station prints on 1 October."""
    community = make_community(name="和平里社区")
    volunteer, _ = make_volunteer(community)
    witness = make_member(community, name="李桂兰")
    coordinator = make_coordinator(community)
    household = Household.get_by_id(volunteer.household_id)
    clock.freeze(dt.datetime(2026, 9, 15, 15, 0))
    credited_record(volunteer, witness, minutes=90)
    clock.freeze(dt.datetime(2026, 9, 20, 10, 0))
    ledger_ops.adjust(coordinator, household, minutes=-30, reason="兑换理发", key="haircut-0001")
    clock.freeze(dt.datetime(2026, 10, 1, 9, 0))
    return community, volunteer, coordinator, household, any_app.test_client()


def _url(household, query=""):
    return f"/api/v1/households/{household.id}/passbook.pdf{query}"


def test_the_printout_holds_the_lines_balances_and_witnesses(story, any_app):
    community, volunteer, coordinator, household, client = story
    text = _text(client.get(_url(household), headers=headers(any_app, coordinator)))
    for words in ("爱心储蓄存折", "和平里社区", household.name, "日期", "摘要", "存入", "支取", "结余", "见证人",
                  "2026-09-15", "修理洗衣机", "李桂兰", "2026-09-20", "兑换理发", "承前结余：0"):
        assert words in text, words
    # Each row reads 日期, 摘要, 存入 or 支取, 结余 (exact minutes, not rounded hours), 见证人.
    assert "修理洗衣机\n1小时30分\n1小时30分\n李桂兰\n" in text
    assert "兑换理发\n30分\n1小时\n" in text
    (mark,) = PassbookPrintout.select()
    assert (mark.lines, mark.printed_by_id, mark.household_id) == (2, coordinator.id, household.id)


def test_printing_again_goes_on_after_the_last_printed_line(story, any_app):
    _, volunteer, coordinator, household, client = story
    staff = headers(any_app, coordinator)
    _text(client.get(_url(household), headers=staff))
    nothing = _text(client.get(_url(household), headers=staff))
    assert "上次打印以后没有新的记录" in nothing and "兑换理发" not in nothing
    assert PassbookPrintout.select().count() == 1  # an empty printout moves nothing

    clock.freeze(dt.datetime(2026, 10, 2, 10, 0))
    ledger_ops.adjust(coordinator, household, minutes=45, reason="补记十月", key="october-0001")
    text = _text(client.get(_url(household), headers=headers(any_app, volunteer)))  # the household prints too
    assert "补记十月" in text and "兑换理发" not in text and "修理洗衣机" not in text
    assert "承前结余：1小时\n" in text and "补记十月\n45分\n1小时45分\n" in text
    assert [p.lines for p in PassbookPrintout.select().order_by(PassbookPrintout.id)] == [2, 1]


def test_a_range_reprint_prints_that_range_and_leaves_the_mark(story, any_app):
    _, _, coordinator, household, client = story
    staff = headers(any_app, coordinator)
    _text(client.get(_url(household), headers=staff))
    clock.freeze(dt.datetime(2026, 10, 2, 10, 0))
    ledger_ops.adjust(coordinator, household, minutes=45, reason="补记十月", key="october-0001")

    september = _text(client.get(_url(household, "?from=2026-09-01&to=2026-09-30"), headers=staff))
    assert "补打" in september and "兑换理发" in september and "修理洗衣机" in september
    assert "补记十月" not in september
    only_the_20th = _text(client.get(_url(household, "?from=2026-09-20&to=2026-09-20"), headers=staff))
    assert "兑换理发" in only_the_20th and "修理洗衣机" not in only_the_20th and "承前结余：1小时30分\n" in only_the_20th
    everything = _text(client.get(_url(household, "?from=2026-09-01"), headers=staff))  # `to` defaults to today
    assert "修理洗衣机" in everything and "补记十月" in everything
    assert PassbookPrintout.select().count() == 1
    assert "补记十月" in _text(client.get(_url(household), headers=staff))  # the mark had not moved


def test_only_the_household_and_its_coordinators_may_print(story, any_app):
    community, _, _, household, client = story
    neighbour = make_member(community)
    elsewhere = make_coordinator(make_community())
    for stranger in (neighbour, elsewhere):
        assert client.get(_url(household), headers=headers(any_app, stranger)).status_code == 404
    assert client.get(_url(household)).status_code == 401
    assert PassbookPrintout.select().count() == 0


@pytest.mark.parametrize("query, field", [
    ("?from=2026-10-02", "from"),
    ("?from=2026-09-01&to=2026-10-05", "to"),
    ("?from=2026-09-20&to=2026-09-10", "to"),
    ("?to=2026-09-30", "to"),
    ("?from=2026-13-01", "from"),
    ("?from=2026-09-01&to=yesterday", "to"),
])
def test_bad_dates_are_422_naming_the_field(story, any_app, query, field):
    _, _, coordinator, household, client = story
    answer = client.get(_url(household, query), headers=headers(any_app, coordinator))
    assert answer.status_code == 422, answer.json
    assert field in str(answer.json), answer.json
    assert PassbookPrintout.select().count() == 0


def test_control_characters_stored_before_they_were_refused_are_dropped(story, any_app):
    _, _, coordinator, household, client = story
    Household.update(name="老王\x07家\x1b").where(Household.id == household.id).execute()
    text = _text(client.get(_url(household), headers=headers(any_app, coordinator)))
    assert "老王家" in text and "\x07" not in text and "\x1b" not in text


def test_durations_are_exact_minutes_as_an_elder_reads_them():
    assert [passbook_pdf.duration(m) for m in (0, 45, 60, 105, 120, -30)] == ["0", "45分", "1小时", "1小时45分",
                                                                             "2小时", "-30分"]


def test_a_long_history_prints_in_parts_and_goes_on_from_the_last_part(story, any_app, monkeypatch):
    _, _, coordinator, household, client = story
    monkeypatch.setattr(passbook_pdf, "MAX_LINES", 1)
    staff = headers(any_app, coordinator)
    first = _text(client.get(_url(household), headers=staff))
    assert "修理洗衣机" in first and "兑换理发" not in first and "其余的请再打印一次" in first
    second = _text(client.get(_url(household), headers=staff))
    assert "兑换理发" in second and "修理洗衣机" not in second
    assert "没有新的记录" in _text(client.get(_url(household), headers=staff))


def test_the_qr_code_holds_a_digest_anyone_can_recompute_from_the_passbook(story, any_app):
    _, volunteer, _, household, client = story
    lines = passbook.lines_for_print(household)
    payload, words = passbook_pdf.qr_payload(household, lines)
    api = client.get(f"/api/v1/households/{household.id}/passbook", headers=headers(any_app, volunteer)).json
    rows = [[line["id"], line["minutes"], line["running_balance_minutes"]] for line in reversed(api["entries"])]
    expected = hashlib.sha256(json.dumps(rows, separators=(",", ":")).encode()).hexdigest()[:16]
    code = household.community.code
    assert payload == f"LBP1.{code}.{household.id}.{rows[0][0]}-{rows[-1][0]}.{expected}"
    assert "摘要码" in words


def test_the_qr_code_holds_the_signed_statement_of_a_month_it_covers(story, any_app):
    _, _, coordinator, household, client = story
    closed = client.post("/api/v1/statements/close", json={"year": 2026, "month": 9},
                         headers=headers(any_app, coordinator))
    assert closed.status_code == 200
    payload, words = passbook_pdf.qr_payload(household, passbook.lines_for_print(household))
    assert payload.startswith("LB1.") and signing.verify(payload)["valid"] is True
    assert client.post("/api/v1/statements/verify", json={"compact": payload}).json["valid"] is True
    assert "2026年9月" in words and "/api/v1/statements/verify" in words
    text = _text(client.get(_url(household), headers=headers(any_app, coordinator)))
    assert "签过名的月结单" in text


def test_the_demo_household_of_xingfuyuan_has_a_printout_mark(app):
    from server.models import Member
    from server.services.people import demo

    assert demo.load()
    wu = Member.get(Member.handle == "resident-b")
    household = Household.get_by_id(wu.household_id)
    (printed,) = PassbookPrintout.select().where(PassbookPrintout.household == household.id)
    assert printed.printed_by.handle == "coordinator-b" and printed.lines >= 1
    client = app.test_client()
    reprint = _text(client.get(_url(household, f"?from={clock.today().replace(day=1) - dt.timedelta(days=40):%Y-%m-%d}"),
                               headers=headers(app, wu)))
    assert "纸质爱心存折转入" in reprint
    assert PassbookPrintout.select().where(PassbookPrintout.household == household.id).count() == 1
