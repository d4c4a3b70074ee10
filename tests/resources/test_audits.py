"""The quarterly audit through the API: a coordinator's story, the report files, and who may touch what."""

import datetime as dt
import io

from openpyxl import load_workbook
from pypdf import PdfReader

from server import clock
from tests.factories import (
    credited_record,
    headers,
    make_community,
    make_coordinator,
    make_member,
    make_volunteer,
)


def _quarter_with_service(community, n=3):
    volunteer, _ = make_volunteer(community, name="李建国")
    residents = [make_member(community, name=f"居民{i}号") for i in range(n)]
    for day, resident in enumerate(residents, start=1):
        clock.freeze(dt.datetime(2026, 1, 10 + day, 15, 0))
        credited_record(volunteer, resident, minutes=60, recipient_member_id=resident.id)
    clock.freeze(dt.datetime(2026, 4, 2, 9, 0))
    return volunteer, residents


def test_a_coordinator_audits_visits_disputes_and_downloads_the_report(app):
    community = make_community()
    coordinator = make_coordinator(community, name="赵敏")
    volunteer, residents = _quarter_with_service(community)
    client = app.test_client()
    me = headers(app, coordinator)
    made = client.post(f"/api/v1/communities/{community.id}/audits", json={"year": 2026, "quarter": 1, "seed": "ABC"},
                       headers=me)
    assert made.status_code == 201, made.json
    audit = made.json
    assert (audit["label"], audit["seed"], audit["population"], audit["ledger_ok"]) == ("2026年第1季度", "abc", 3, True)
    assert len(audit["visits"]) == 3 and {v["assignee_name"] for v in audit["visits"]} == {"赵敏"}
    visit = audit["visits"][0]
    assert visit["contact"]["name"].startswith("居民") and len(visit["contact"]["phone"]) == 11
    again = client.post(f"/api/v1/communities/{community.id}/audits", json={"year": 2026, "quarter": 1}, headers=me)
    assert again.json["id"] == audit["id"]

    call = client.patch(f"/api/v1/audit-visits/{visit['id']}", json={"method": "phone"}, headers=me)
    assert call.json["method_label"] == "电话回访"
    bad = client.post(f"/api/v1/audit-visits/{visit['id']}/outcome", json={"outcome": "disputed"}, headers=me)
    assert bad.status_code == 422 and "notes" in bad.json["errors"]["json"]
    disputed = client.post(f"/api/v1/audit-visits/{visit['id']}/outcome",
                           json={"outcome": "disputed", "notes": "老人说那天没有人来"}, headers=me)
    assert disputed.status_code == 200 and disputed.json["reversal_transfer_id"]
    book = client.get("/api/v1/me/passbook", headers=headers(app, volunteer)).json
    assert book["balance_minutes"] == 120 and book["entries"][0]["code"] == "reversal"
    for other in audit["visits"][1:]:
        client.post(f"/api/v1/audit-visits/{other['id']}/outcome", json={"outcome": "confirmed"}, headers=me)
    closed = client.post(f"/api/v1/audits/{audit['id']}/close", headers=me)
    assert closed.json["status"] == "closed" and closed.json["visit_counts"] == {"pending": 0, "confirmed": 2,
                                                                                 "disputed": 1}
    listed = client.get(f"/api/v1/communities/{community.id}/audits", headers=me).json
    assert [a["id"] for a in listed] == [audit["id"]] and "visits" not in listed[0]

    pdf = client.get(f"/api/v1/audits/{audit['id']}/report", headers=me)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert len(PdfReader(io.BytesIO(pdf.data)).pages) >= 1
    sheet = client.get(f"/api/v1/audits/{audit['id']}/report?format=xlsx", headers=me)
    book = load_workbook(io.BytesIO(sheet.data))
    assert book.sheetnames == ["概况", "台帐检验", "异常标记", "抽样走访"]
    outcomes = [row[10] for row in book["抽样走访"].iter_rows(min_row=4, values_only=True) if row[0]]
    assert sorted(outcomes) == ["属实", "属实", "有异议（未能证实）"]
    phones = [row[6] for row in book["抽样走访"].iter_rows(min_row=4, values_only=True) if row[0]]
    assert all("****" in phone for phone in phones)


def test_audits_stay_inside_their_community(app):
    a, b = make_community(), make_community()
    coordinator_a, coordinator_b = make_coordinator(a), make_coordinator(b)
    _quarter_with_service(a, n=1)
    client = app.test_client()
    audit = client.post(f"/api/v1/communities/{a.id}/audits", json={"year": 2026, "quarter": 1},
                        headers=headers(app, coordinator_a)).json
    visit_id = audit["visits"][0]["id"]
    foreign = headers(app, coordinator_b)
    assert client.post(f"/api/v1/communities/{a.id}/audits", json={"year": 2026, "quarter": 1},
                       headers=foreign).status_code == 404
    assert client.get(f"/api/v1/audits/{audit['id']}", headers=foreign).status_code == 404
    assert client.post(f"/api/v1/audit-visits/{visit_id}/outcome", json={"outcome": "confirmed"},
                       headers=foreign).status_code == 404
    handed = client.patch(f"/api/v1/audit-visits/{visit_id}", json={"assignee_id": coordinator_b.id},
                          headers=headers(app, coordinator_a))
    assert handed.status_code == 422 and "assignee_id" in handed.json["errors"]["json"]
    resident = make_member(a)
    assert client.get(f"/api/v1/audits/{audit['id']}", headers=headers(app, resident)).status_code == 403
    early = client.post(f"/api/v1/communities/{a.id}/audits", json={"year": 2026, "quarter": 2},
                        headers=headers(app, coordinator_a))
    assert early.status_code == 422 and "quarter" in early.json["errors"]["json"]
