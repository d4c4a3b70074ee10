"""Stars and certificates through the API: apply, approve after the notice, the PDF and public verification."""

import datetime as dt
import io

from pypdf import PdfReader

from server import clock
from server.services.ledger import core as ledger
from tests.factories import headers, make_community, make_coordinator, make_member, make_volunteer


def test_apply_publish_approve_download_and_verify(app):
    community = make_community(name="和平里社区")
    coordinator = make_coordinator(community)
    volunteer, profile = make_volunteer(community, name="李建国")
    client = app.test_client()
    mine = headers(app, volunteer)
    clock.freeze(dt.datetime(2026, 6, 1, 9, 0))
    early = client.post("/api/v1/me/star-applications", json={}, headers=mine)
    assert early.status_code == 422 and "year" in early.json["errors"]["json"]
    ledger.add_member_year(volunteer.id, 2026, 50 * 60)
    ledger.add_member_year(volunteer.id, 2025, 60 * 60)
    standing = client.get("/api/v1/me/stars", headers=mine).json
    assert (standing["stars"], standing["next_stars"], standing["minutes_to_next"]) == (3, 4, 50 * 60)
    assert standing["national"]["minutes"] == 110 * 60 and standing["national"]["stars"] == 1
    applied = client.post("/api/v1/me/star-applications", json={}, headers=mine)
    assert applied.status_code == 201 and applied.json["stars"] == 3 and applied.json["applied"]
    award_id = applied.json["id"]

    staff = headers(app, coordinator)
    notice = client.post(f"/api/v1/communities/{community.id}/notices/awards", headers=staff).json
    assert notice["awards"][0]["award_id"] == award_id
    too_early = client.post(f"/api/v1/star-awards/{award_id}/approval", headers=staff)
    assert too_early.status_code == 422 and too_early.json["errors"]["rule"] == "notice_period"
    clock.freeze(dt.datetime(2026, 6, 9, 9, 0))
    approved = client.post(f"/api/v1/star-awards/{award_id}/approval", headers=staff)
    assert approved.status_code == 201 and approved.json["status"] == "approved"
    serial = approved.json["certificate_serial"]
    assert approved.json["verification_url"] == f"http://127.0.0.1:8000/api/v1/certificates/{serial}/verify"

    pdf = client.get(f"/api/v1/star-awards/{award_id}/certificate", headers=mine)
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.data)).pages[0].extract_text()
    assert serial in text and approved.json["verification_url"] in text
    assert client.get(f"/api/v1/star-awards/{award_id}/certificate", headers=staff).status_code == 200
    neighbour = make_volunteer(community)[0]
    assert client.get(f"/api/v1/star-awards/{award_id}/certificate", headers=headers(app, neighbour)).status_code == 404

    checked = client.get(f"/api/v1/certificates/{serial}/verify")  # no token: public
    assert checked.status_code == 200
    assert checked.json == {
        "valid": True, "serial": serial, "name": "李建国", "volunteer_no": profile.volunteer_no, "stars": 3,
        "year": 2026, "period_label": "2026年度", "minutes": 3000, "community_name": "和平里社区",
        "issuer": "和平里社区联合党委", "issued_on": "2026-06-09",
    }
    assert client.get("/api/v1/certificates/LB2026-AAAA-BBBB-CCCC-DDDD/verify").status_code == 404
    assert client.get(f"/api/v1/star-awards/{award_id}/certificate").status_code == 401


def test_standings_beside_national_levels_for_the_communitys_coordinators(app):
    community = make_community()
    coordinator = make_coordinator(community)
    volunteer, _ = make_volunteer(community)
    ledger.add_member_year(volunteer.id, clock.today().year, 25 * 60)
    ledger.add_member_year(volunteer.id, clock.today().year - 3, 280 * 60)
    client = app.test_client()
    answer = client.get(f"/api/v1/communities/{community.id}/stars", headers=headers(app, coordinator)).json
    row = answer["volunteers"][0]
    assert (row["minutes"], row["stars"], row["national_minutes"], row["national_stars"]) == (1500, 2, 305 * 60, 2)
    assert answer["national_thresholds_hours"] == [100, 300, 600, 1000, 1500]
    other = make_coordinator(make_community())
    assert client.get(f"/api/v1/communities/{community.id}/stars", headers=headers(app, other)).status_code == 404
    assert client.get(f"/api/v1/communities/{community.id}/star-awards",
                      headers=headers(app, make_member(community))).status_code == 403
