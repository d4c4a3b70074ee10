"""每六个月专题调研: the sections in order, their totals against the ledger, and the XLSX, PNG and PDF files."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook
from peewee import fn
from pypdf import PdfReader

from server import clock
from server.models import Account, ServiceRecord, Transfer
from server.services.oversight import audits, documents, study_report, study_report_files
from server.services.oversight.study_report import Section
from server.services.people import volunteers
from tests.factories import (
    credited_record,
    headers,
    make_community,
    make_coordinator,
    make_member,
    make_volunteer,
)

SHEETS = ["目录", "概况", "账户收支", "按月份", "按服务类别", "按服务队", "志愿者", "党员占比", "检查走访", "需求满足",
          "响应时间", "兑付率", "帮扶协议", "兑付能力预警", "通存通兑", "通存通兑网络"]


@pytest.fixture
def half(any_app):
    """January–June 2026: three volunteers (one party member, one not, one who did not consent) and an audit."""
    community = make_community(name="和平里社区")
    coordinator = make_coordinator(community)
    party, party_profile = make_volunteer(community, name="党员甲", team_codes=("home_care",))
    volunteers.update(party, party_profile, {"consent_political": True, "political_status": "中共党员"})
    mass, mass_profile = make_volunteer(community, name="群众乙", team_codes=("medical",))
    volunteers.update(mass, mass_profile, {"consent_political": True, "political_status": "群众"})
    private, _ = make_volunteer(community, name="不愿说丙")
    resident = make_member(community)
    for month, who, minutes in ((1, party, 120), (2, party, 60), (3, mass, 90), (5, private, 150), (6, mass, 60)):
        clock.freeze(dt.datetime(2026, month, 10, 19, 0))
        credited_record(who, resident, minutes=minutes, start_hour=9)
    clock.freeze(dt.datetime(2026, 4, 2, 9, 0))
    audits.run(coordinator, community, 2026, 1, seed="1", sample_size=2)
    clock.freeze(dt.datetime(2026, 7, 2, 9, 0))
    yield study_report.period_of(community, 2026, 1), coordinator
    clock.freeze(None)


def _rows(sheet):
    return [row for row in sheet.iter_rows(min_row=4, values_only=True) if row[0] is not None]


def test_xlsx_has_every_section_and_its_totals_equal_the_ledgers(half):
    period, _ = half
    sections = study_report.build(period)
    book = load_workbook(io.BytesIO(study_report_files.xlsx(period, sections)))
    assert book.sheetnames == SHEETS
    credited = int(Transfer.select(fn.SUM(Transfer.minutes)).where(
        Transfer.code == "service_credit", Transfer.community == period.community.id).scalar())
    assert credited == 480
    summary = dict(_rows(book["概况"]))
    assert round(summary["服务时长（小时）"] * 60) == credited and summary["活跃志愿者（人，本期有入账服务）"] == 3
    months = _rows(book["按月份"])
    assert [m[0] for m in months] == [f"2026年{m}月" for m in range(1, 7)]
    assert round(sum(m[1] for m in months) * 60) == credited
    assert round(sum(c[1] for c in _rows(book["按服务类别"])) * 60) == credited
    accounts = dict(_rows(book["账户收支"]))
    households = int(Account.select(fn.SUM(Account.posted_minutes)).where(
        Account.community == period.community.id, Account.kind == "household").scalar())
    assert round(accounts["家庭存折期末合计"] * 60) == households == credited
    assert round(accounts["本期存入"] * 60) == credited
    for charted in ("按月份", "按服务类别", "按服务队", "志愿者"):
        assert len(book[charted]._charts) == 1, charted
    audited = _rows(book["检查走访"])
    assert audited[0][:3] == ("2026年第1季度", "一致", 2) and audited[1][1] == "未检查"


def test_party_share_counts_only_those_who_consented(half):
    period, _ = half
    table = next(s for s in study_report.build(period) if s.key == "party_share").table
    values = dict(table.rows)
    assert values["同意提供政治面貌的志愿者（人）"] == 2 and values["其中党员（含预备党员，人）"] == 1
    assert values["党员人数占比"] == "50.0%"
    assert values["党员服务时长占比"] == f"{100 * 180 / 330:.1f}%"  # the undeclared volunteer's 150 are left out


def test_charts_render_to_png_and_into_the_pdf(half):
    period, _ = half
    sections = study_report.build(period)
    png = study_report_files.png(sections, "hours_by_category")
    assert png.startswith(b"\x89PNG") and len(png) > 5000
    with pytest.raises(study_report_files.RuleBroken) as refused:
        study_report_files.png(sections, "summary")
    assert refused.value.field == "chart"
    pdf = PdfReader(io.BytesIO(study_report_files.pdf(period, sections)))
    assert len(pdf.pages) >= 3
    assert sum(len(page.images) for page in pdf.pages) == sum(1 for section in sections if section.chart)


def test_other_areas_add_sections_in_order(half):
    period, _ = half

    @study_report.section("requests_unmet", "未满足和超时的需求", sheet="需求", order=999)
    def unmet(p):
        return Section(documents.Table(headers=["需求", "数量"], rows=[["未满足", 0]]))

    try:
        keys = [s.key for s in study_report.build(period)]
        assert keys[0] == "summary" and keys[-1] == "requests_unmet"
        with pytest.raises(ValueError):
            study_report.section("other", "重名", sheet="需求", order=95)(unmet)
    finally:
        study_report.SECTIONS.pop("requests_unmet")


def test_the_report_api_for_coordinators(half, any_app):
    period, coordinator = half
    client = any_app.test_client()
    url = f"/api/v1/communities/{period.community.id}/reports/half-year?year=2026&half=1"
    data = client.get(url, headers=headers(any_app, coordinator))
    assert data.status_code == 200 and [s["key"] for s in data.json["sections"]][:3] == [
        "summary", "ledger", "hours_by_month"]
    sheet = client.get(url + "&format=xlsx", headers=headers(any_app, coordinator))
    assert load_workbook(io.BytesIO(sheet.data)).sheetnames == SHEETS
    png = client.get(url + "&format=png&chart=hours_by_team", headers=headers(any_app, coordinator))
    assert png.mimetype == "image/png" and png.data.startswith(b"\x89PNG")
    assert client.get(url + "&format=pdf", headers=headers(any_app, coordinator)).mimetype == "application/pdf"
    bad = client.get(url.replace("half=1", "half=3"), headers=headers(any_app, coordinator))
    assert bad.status_code == 422 and "half" in bad.json["errors"]["query"]
    other = make_coordinator(make_community())
    assert client.get(url, headers=headers(any_app, other)).status_code == 404
    assert client.get(url, headers=headers(any_app, make_member(period.community))).status_code == 403
    assert ServiceRecord.select().count() == 5
