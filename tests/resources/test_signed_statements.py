"""Signed statements over HTTP (issue 15 §4): may anyone read the keys and check a statement, is a forged
one refused with its reason, does the household get its signed statement and a PDF whose QR code holds it?"""

import datetime as dt

import pytest

from server import clock
from server.models import Statement
from server.services.ledger import signing
from server.services.oversight import statement_pdf
from tests.factories import headers, make_community, make_coordinator, make_member


@pytest.fixture
def story(any_app):
    """A household funded in September 2026; the station closes September on 1 October."""
    community = make_community()
    resident = make_member(community)
    coordinator = make_coordinator(community)
    client = any_app.test_client()
    clock.freeze(dt.datetime(2026, 9, 15, 10, 0))
    client.post("/api/v1/ledger/adjustments", json={"household_id": resident.household_id, "minutes": 90,
                                                    "reason": "九月"},
                headers={**headers(any_app, coordinator), "Idempotency-Key": "sept-0001"})
    clock.freeze(dt.datetime(2026, 10, 1, 9, 0))
    closed = client.post("/api/v1/statements/close", json={"year": 2026, "month": 9},
                         headers=headers(any_app, coordinator))
    assert closed.status_code == 200
    (statement,) = client.get(f"/api/v1/households/{resident.household_id}/statements",
                              headers=headers(any_app, resident)).json
    return community, resident, coordinator, client, statement


def test_the_keys_are_public_and_the_same_at_the_well_known_address(story):
    community, _, _, client, statement = story
    keys = client.get("/api/v1/keys")
    assert keys.status_code == 200
    (key,) = keys.json["keys"]
    assert key["key_id"] == statement["key_id"] and key["community"] == community.code
    assert key["algorithm"] == "Ed25519" and key["valid_until"] is None and len(key["public_key"]) == 43
    assert set(key) == {"key_id", "algorithm", "public_key", "community", "community_name", "valid_from", "valid_until"}
    assert client.get("/.well-known/lovebank-keys.json").json == keys.json


def test_the_household_and_its_coordinator_get_the_signed_statement(story, any_app):
    _, resident, coordinator, client, statement = story
    assert (statement["signed"], statement["signature_label"]) == (True, "已签名")
    for member in (resident, coordinator):
        signed = client.get(f"/api/v1/statements/{statement['id']}/signed", headers=headers(any_app, member))
        assert signed.status_code == 200
        assert (signed.json["valid"], signed.json["verification_label"]) == (True, "校验通过")
    document = signed.json["document"]
    assert (document["period"], document["closing"], document["in"]) == ("2026-09", 90, 90)
    assert signed.json["compact"] == signing.compact(document)
    neighbour = make_member(make_community())
    assert client.get(f"/api/v1/statements/{statement['id']}/signed",
                      headers=headers(any_app, neighbour)).status_code == 404


def test_anyone_can_verify_and_a_forged_statement_is_refused(story, any_app):
    _, resident, _, client, statement = story
    document = client.get(f"/api/v1/statements/{statement['id']}/signed",
                          headers=headers(any_app, resident)).json["document"]
    good = client.post("/api/v1/statements/verify", json=document)
    assert good.status_code == 200 and good.json["valid"] is True and good.json["reasons"] == []
    assert client.post("/api/v1/statements/verify", json={"compact": signing.compact(document)}).json["valid"]

    altered = client.post("/api/v1/statements/verify", json={**document, "in": 6000, "closing": 6000}).json
    assert altered["valid"] is False and [r["code"] for r in altered["reasons"]] == ["bad_signature"]
    assert "改动" in altered["reasons"][0]["message"]
    other = signing.rotate(make_community().id)
    wrong_key = client.post("/api/v1/statements/verify", json={**document, "key_id": other.key_id}).json
    assert {r["code"] for r in wrong_key["reasons"]} == {"wrong_community", "bad_signature"}
    unknown = client.post("/api/v1/statements/verify", json={**document, "key_id": "X-20260101-deadbeef"}).json
    assert [r["code"] for r in unknown["reasons"]] == ["unknown_key"]
    partial = client.post("/api/v1/statements/verify", json={"closing": 90}).json
    assert partial["valid"] is False and partial["reasons"][0]["code"] == "malformed"
    bad_type = client.post("/api/v1/statements/verify", json={**document, "closing": "很多"})
    assert bad_type.status_code == 422 and "closing" in bad_type.json["errors"]["json"]


def test_the_pdf_carries_the_signed_statement_in_a_qr_code(story, any_app):
    _, resident, _, client, statement = story
    answer = client.get(f"/api/v1/statements/{statement['id']}/pdf", headers=headers(any_app, resident))
    assert answer.status_code == 200 and answer.mimetype == "application/pdf"
    assert answer.data.startswith(b"%PDF")
    from reportlab.graphics.barcode.qr import QrCodeWidget
    from reportlab.graphics.shapes import Drawing

    row = Statement.get_by_id(statement["id"])
    (drawing,) = [part for part in statement_pdf.story(row) if isinstance(part, Drawing)]
    (widget,) = [shape for shape in drawing.contents if isinstance(shape, QrCodeWidget)]
    assert widget.value == signing.compact(signing.signed(row))
    assert signing.verify(widget.value)["valid"] is True


def test_a_statement_closed_before_signing_says_so(story, any_app):
    _, resident, _, client, statement = story
    Statement.update(signature="", key_id="").where(Statement.id == statement["id"]).execute()
    signed = client.get(f"/api/v1/statements/{statement['id']}/signed", headers=headers(any_app, resident)).json
    assert (signed["signed"], signed["signature_label"], signed["document"], signed["valid"]) == (
        False, "未签名", None, False)
    pdf = client.get(f"/api/v1/statements/{statement['id']}/pdf", headers=headers(any_app, resident))
    assert pdf.status_code == 200


def test_the_demo_household_of_xingfuyuan_has_a_signed_statement(app):
    from server.models import Member
    from server.services.ledger import ledger_verify
    from server.services.people import demo

    assert demo.load()
    wu = Member.get(Member.handle == "resident-b")
    client = app.test_client()
    (statement,) = client.get(f"/api/v1/households/{wu.household_id}/statements", headers=headers(app, wu)).json
    assert (statement["closing_minutes"], statement["signature_label"]) == (600, "已签名")
    signed = client.get(f"/api/v1/statements/{statement['id']}/signed", headers=headers(app, wu)).json
    assert signed["verification_label"] == "校验通过"
    assert ledger_verify.verify() == []
