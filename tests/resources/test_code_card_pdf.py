"""The printed witness code card (见证码卡, issue #16 §3): does `POST /households/{id}/code-cards` answer a PDF to print
(with `format=pdf` or `Accept: application/pdf`) holding the household, the community, the issue date, how to use
it in large Chinese text and the numbered codes; do the printed codes confirm records; is the old card revoked;
and can the card never be printed again (a retry answers JSON without codes)? Over HTTP on SQLite and PostgreSQL."""

import io
import re

from pypdf import PdfReader

from server.models import CodeCard
from server.services.oversight import code_card_pdf
from tests.factories import headers
from tests.resources.test_counter_and_code_cards import NOW, _desk, _entry


def _pdf_text(answer) -> str:
    assert answer.status_code == 201, answer.data[:300]
    assert answer.mimetype == "application/pdf" and answer.data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(answer.data))
    assert len(reader.pages) == 1
    return reader.pages[0].extract_text()


def _printed_codes(text: str) -> dict[int, str]:
    found = {int(number): code for number, code in re.findall(r"第(\d+)号\s*(\d{6})", text)}
    return dict(sorted(found.items()))


def test_the_printed_card_holds_the_codes_and_they_confirm_records(any_app):
    community, volunteer, coordinator, elder, client = _desk(any_app)
    staff = headers(any_app, coordinator)
    text = _pdf_text(client.post(f"/api/v1/households/{elder.household_id}/code-cards?format=pdf", headers=staff))
    household = elder.household
    for words in ("见证码卡", community.name, household.name, f"户号：{household.id}", f"发卡日期：{NOW:%Y年%m月%d日}",
                  "共20个号码", code_card_pdf.HOW_TO, "每个号码只能用一次", "孙站长"):
        assert words in text, words
    codes = _printed_codes(text)
    assert list(codes) == list(range(1, 21)) and len(set(codes.values())) == 20

    # The printed codes are the card's: number 1 confirms a counter entry for the elder, number 2 another.
    for number, hour in ((1, 9), (2, 13)):
        entered = client.post("/api/v1/service-records/counter", headers=staff, json=_entry(
            volunteer, witness_member_id=elder.id, recipient_member_id=elder.id,
            started_at=NOW.replace(hour=hour).isoformat(), ended_at=NOW.replace(hour=hour, minute=50).isoformat()))
        assert entered.status_code == 201, entered.json
        confirmed = client.post("/api/v1/service-records/confirm-code", headers=staff,
                                json={"record_id": entered.json["id"], "code": codes[number]})
        assert confirmed.status_code == 200, confirmed.json
        assert (confirmed.json["status"], confirmed.json["confirmed_via"]) == ("credited", "code")

    # Asked by its Accept header, a new card is printed; the first card stops working.
    again = client.post(f"/api/v1/households/{elder.household_id}/code-cards",
                        headers={**staff, "Accept": "application/pdf"})
    fresh = _printed_codes(_pdf_text(again))
    assert fresh != codes
    cards = client.get(f"/api/v1/households/{elder.household_id}/code-cards", headers=staff).json
    assert [c["revoked_at"] is None for c in cards] == [True, False] and cards[1]["used"] == 2
    late = client.post("/api/v1/service-records/counter", headers=staff, json=_entry(
        volunteer, witness_member_id=elder.id, recipient_member_id=elder.id,
        started_at=NOW.replace(hour=14).isoformat(), ended_at=NOW.replace(hour=14, minute=40).isoformat())).json
    stale = client.post("/api/v1/service-records/confirm-code", headers=staff,
                        json={"record_id": late["id"], "code": codes[3]})
    assert stale.status_code == 422 and stale.json["errors"]["rule"] == "code_wrong"
    assert client.post("/api/v1/service-records/confirm-code", headers=staff,
                       json={"record_id": late["id"], "code": fresh[1]}).status_code == 200


def test_a_printed_card_is_never_printed_again(any_app):
    community, volunteer, coordinator, elder, client = _desk(any_app)
    staff = {**headers(any_app, coordinator), "Idempotency-Key": "print-card-qian-0001"}
    url = f"/api/v1/households/{elder.household_id}/code-cards?format=pdf"
    first = client.post(url, headers=staff)
    assert len(_printed_codes(_pdf_text(first))) == 20
    retry = client.post(url, headers=staff)  # the same tap again (a lost answer): the card, never its codes
    assert retry.status_code == 201 and retry.headers["Idempotent-Replayed"] == "true"
    assert retry.mimetype == "application/json" and "codes" not in retry.json and b"%PDF" not in retry.data
    assert retry.json["id"] == CodeCard.get().id and retry.json["size"] == 20
    assert CodeCard.select().count() == 1


def test_only_the_households_station_prints_a_card_and_bad_formats_are_refused(any_app):
    community, volunteer, coordinator, elder, client = _desk(any_app)
    url = f"/api/v1/households/{elder.household_id}/code-cards"
    assert client.post(f"{url}?format=pdf", headers=headers(any_app, volunteer)).status_code == 403
    bad = client.post(f"{url}?format=docx", headers=headers(any_app, coordinator))
    assert bad.status_code == 422 and "format" in bad.json["errors"]["query"]
    assert CodeCard.select().count() == 0
