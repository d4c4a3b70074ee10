"""Every file we write (XLSX, PDF, PNG, certificates, download names) survives control characters
stored before they were refused: they are dropped when written, never a 500. Charts draw Chinese
with a font every machine has."""

import datetime as dt
import io
import warnings

import pytest
from fontTools.ttLib import TTFont
from openpyxl import load_workbook
from pypdf import PdfReader

from server import clock
from server.models import Community, Household, Member, ServiceRecord, Team
from server.services.oversight import audits, documents, monthly_close
from server.services.recognition import certificates
from tests.conftest import is_postgres_db
from tests.factories import (
    credited_record,
    headers,
    make_award,
    make_community,
    make_coordinator,
    make_member,
    make_volunteer,
)

DIRTY = "\u000b\x1f\x7f\x85"  # and NUL where the database stores it (SQLite; PostgreSQL refuses NUL)


@pytest.fixture
def dirty(any_app):
    """A community whose first quarter of 2026 was served, audited and closed, and whose names and
    texts were then given control characters (as data from before the rule, or a restored backup)."""
    community = make_community(name="和平里社区")
    coordinator = make_coordinator(community)
    volunteer, _ = make_volunteer(community, name="李建国", team_codes=("home_care",))
    resident = make_member(community, name="王秀兰")
    clock.freeze(dt.datetime(2026, 3, 10, 19, 0))
    credited_record(volunteer, resident, minutes=120, start_hour=9)
    clock.freeze(dt.datetime(2026, 4, 2, 9, 0))
    monthly_close.close_if_open(community.id, 2026, 3)
    audit = audits.run(coordinator, community, 2026, 1, seed="1", sample_size=1)
    award = make_award(volunteer, stars=1, status="approved", year=2026, minutes=600)
    certificate = certificates.issue(award, coordinator)
    dirt = DIRTY if is_postgres_db() else DIRTY + "\x00"
    Community.update(name=f"和平里{dirt}社区").where(Community.id == community.id).execute()
    Team.update(name=f"居家{dirt}养老队").where(Team.code == "home_care").execute()
    Member.update(name=f"李{dirt}建国").where(Member.id == volunteer.id).execute()
    Household.update(name=f"王{dirt}家", building=f"3{dirt}号楼").where(Household.id == resident.household_id).execute()
    ServiceRecord.update(content=f"修理{dirt}洗衣机", place=f"3号楼{dirt}").execute()
    certificate.name, certificate.community_name = f"李{dirt}建国", f"和平里{dirt}社区"
    certificate.save()
    yield any_app, community, coordinator, volunteer, audit, award
    clock.freeze(None)


def _clean(texts) -> None:
    for text in texts:
        assert not any(char in DIRTY + "\x00" for char in str(text)), repr(text)


def test_workbooks_pdfs_and_charts_are_written_without_the_control_characters(dirty):
    app, community, coordinator, _, audit, _ = dirty
    client, staff = app.test_client(), headers(app, coordinator)
    base = f"/api/v1/communities/{community.id}"
    for url in (f"{base}/reports/half-year?year=2026&half=1&format=xlsx", f"/api/v1/audits/{audit.id}/report?format=xlsx",
                f"{base}/statements/register?year=2026&month=3"):
        answer = client.get(url, headers=staff)
        assert answer.status_code == 200, (url, answer.json)
        book = load_workbook(io.BytesIO(answer.data))
        cells = [cell for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row if cell]
        _clean(cells)
        assert any("和平里社区" in str(cell) for cell in cells)
        _clean([answer.headers["Content-Disposition"]])
    for url in (f"{base}/reports/half-year?year=2026&half=1&format=pdf", f"/api/v1/audits/{audit.id}/report?format=pdf"):
        answer = client.get(url, headers=staff)
        assert answer.status_code == 200, (url, answer.json)
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(answer.data)).pages)
        assert "和平里社区" in text
    chart = client.get(f"{base}/reports/half-year?year=2026&half=1&format=png&chart=hours_by_team", headers=staff)
    assert chart.status_code == 200 and chart.data.startswith(b"\x89PNG")


def test_a_certificate_prints_the_names_without_the_control_characters(dirty):
    app, _, _, volunteer, _, award = dirty
    answer = app.test_client().get(f"/api/v1/star-awards/{award.id}/certificate", headers=headers(app, volunteer))
    assert answer.status_code == 200
    text = PdfReader(io.BytesIO(answer.data)).pages[0].extract_text()
    assert "李建国同志" in text and "和平里社区" in text


TITLE, LABELS = "各服务队半年服务时长", ["居家养老服务队", "维修队", "医疗保健队"]


def test_the_chart_font_has_a_glyph_for_every_chinese_character_drawn():
    """On a fresh machine (no system CJK font) charts drew every Chinese character as an empty box,
    with a 'Glyph … missing from font(s) DejaVu Sans' warning each time; the font now comes with
    the project's own dependencies."""
    path = documents.chart_font("")
    with TTFont(path, fontNumber=0, lazy=True) as font:
        cmap = font.getBestCmap()
    missing = {ch for ch in TITLE + "".join(LABELS) + "小时" if ord(ch) not in cmap}
    assert not missing, f"{path} has no glyph for {''.join(sorted(missing))}"


def test_a_chart_in_chinese_renders_without_a_missing_glyph_warning():
    table = documents.Table(["服务队", "小时"], [[label, n * 1.5] for n, label in enumerate(LABELS, 1)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns once per glyph it cannot draw
        png = documents.chart_png(table, documents.Chart(TITLE, 0, (1,)))
    assert png.startswith(b"\x89PNG")
