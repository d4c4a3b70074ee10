"""The console's pages over HTTP: each calls the same service as the API, so the API's answers show the effect."""

import datetime as dt
import io
import re

from openpyxl import load_workbook

from server import clock
from server.services.people import core as people
from tests.console.helpers import console_login, page_csrf
from tests.factories import (
    credited_record,
    headers,
    make_community,
    make_coordinator,
    make_member,
    make_record,
    make_volunteer,
)

NOW = dt.datetime(2026, 11, 18, 16, 0)


def _station(any_app):
    clock.freeze(NOW)
    community = make_community()
    volunteer, _ = make_volunteer(community, name="赵大勇")
    coordinator = make_coordinator(community, name="孙站长")
    daughter = make_member(community, name="钱小梅", phone="13912345678")
    elder = people.add_dependent(daughter, daughter.household, name="钱奶奶", relation="母亲")
    client = any_app.test_client()
    csrf = console_login(client, any_app, coordinator)
    return community, volunteer, coordinator, elder, client, csrf


def _text(answer) -> str:
    return answer.get_data(as_text=True)


def test_counter_entry_from_the_console_is_the_apis_counter_entry(any_app):
    community, volunteer, coordinator, elder, client, csrf = _station(any_app)
    form = client.get("/console/counter")
    assert form.status_code == 200 and "赵大勇" in _text(form) and "钱奶奶" in _text(form)
    body = {"csrf_token": csrf, "volunteer_member_id": str(volunteer.id), "service": "repairs/appliance_repair",
            "recipient_member_id": str(elder.id), "witness_member_id": str(elder.id), "place": "5号楼1单元102",
            "started_at": "2026-11-18T09:00", "ended_at": "2026-11-18T10:35", "content": "修理电饭煲（纸质记录单）",
            "paper_signature": "on"}
    entered = client.post("/console/counter", data=body)
    assert entered.status_code == 302, _text(entered)
    record_page = client.get(entered.headers["Location"])
    assert "已登记第" in _text(record_page) and 'data-status="credited"' in _text(record_page)
    book = client.get("/api/v1/me/passbook", headers=headers(any_app, volunteer)).json
    assert book["balance_minutes"] == 90 and book["entries"][0]["witness_name"] == "钱奶奶"

    # the same rules as the API, said under the field in Chinese: the same time again overlaps
    again = client.post("/console/counter", data=body)
    assert again.status_code == 422 and "error" in _text(again)
    missing = client.post("/console/counter", data={**body, "place": "", "started_at": "昨天"})
    assert missing.status_code == 422
    assert re.search(r"地点.*?class=\"error\"", _text(missing), re.S)


def test_a_correction_from_the_console_reverses_and_credits_again(any_app):
    community, volunteer, coordinator, elder, client, csrf = _station(any_app)
    witness = make_member(community, name="吴阿姨")
    record = credited_record(volunteer, witness, minutes=90, start_hour=9)
    page = client.get(f"/console/records/{record.id}")
    assert "更正时间" in _text(page)
    start = record.started_at
    corrected = client.post(f"/console/records/{record.id}/correction", data={
        "csrf_token": csrf, "started_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ended_at": (start + dt.timedelta(minutes=120)).strftime("%Y-%m-%dT%H:%M"), "reason": "签退时间按错了"})
    assert corrected.status_code == 302, _text(corrected)
    assert "更正已" in _text(client.get(corrected.headers["Location"]))
    assert client.get("/api/v1/me/passbook", headers=headers(any_app, volunteer)).json["balance_minutes"] == 120
    assert client.get("/api/v1/ledger/verification", headers=headers(any_app, coordinator)).json["ok"] is True
    listed = client.get("/console/corrections?status=applied")
    assert "签退时间按错了" in _text(listed)
    no_reason = client.post(f"/console/records/{record.id}/correction", data={
        "csrf_token": csrf, "started_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ended_at": (start + dt.timedelta(minutes=60)).strftime("%Y-%m-%dT%H:%M"), "reason": ""})
    assert no_reason.status_code == 422


def test_a_large_correction_waits_for_a_second_coordinator_in_the_console(any_app):
    community, volunteer, coordinator, elder, client, csrf = _station(any_app)
    record = credited_record(volunteer, make_member(community), minutes=90, start_hour=9)
    start = record.started_at
    client.post(f"/console/records/{record.id}/correction", data={
        "csrf_token": csrf, "started_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ended_at": (start + dt.timedelta(minutes=240)).strftime("%Y-%m-%dT%H:%M"), "reason": "纸质记录单写的是4小时"})
    pending = _text(client.get("/console/corrections"))
    correction_id = int(re.search(r"/console/corrections/(\d+)/approve", pending).group(1))
    own = client.post(f"/console/corrections/{correction_id}/approve", data={"csrf_token": csrf})
    assert own.status_code == 403 and "alert" in _text(own)
    second = any_app.test_client()
    second_csrf = console_login(second, any_app, make_coordinator(community, name="李副站长"))
    approved = second.post(f"/console/corrections/{correction_id}/approve", data={"csrf_token": second_csrf})
    assert approved.status_code == 302
    assert client.get("/api/v1/me/passbook", headers=headers(any_app, volunteer)).json["balance_minutes"] == 240


def test_records_to_review_are_approved_in_place_with_htmx(any_app):
    community, volunteer, coordinator, elder, client, csrf = _station(any_app)
    outsider = make_record(volunteer, minutes=60, start_hour=9)  # witnessed by an outsider: the station settles it
    listed = client.get("/console/records")
    assert f'id="row-{outsider.id}"' in _text(listed)
    row = client.post(f"/console/records/{outsider.id}/approve", headers={"X-CSRF-Token": csrf, "HX-Request": "true"})
    assert row.status_code == 200 and _text(row).lstrip().startswith(f'<tr id="row-{outsider.id}"')
    assert "已存入存折" in _text(row) and "柜台登记" not in _text(row) and "自主开展" in _text(row)
    sheet = load_workbook(io.BytesIO(client.get("/console/records?status=credited&format=xlsx").data)).active
    exported = list(sheet.iter_rows(values_only=True))
    assert exported[0][:4] == ("编号", "志愿者", "服务", "开始时间")
    assert exported[1][:4] == (outsider.id, "赵大勇", "家电维修", "2026-11-18 09:00")
    twice = client.post(f"/console/records/{outsider.id}/approve", headers={"X-CSRF-Token": csrf, "HX-Request": "true"})
    assert twice.status_code == 409 and 'class="alert"' in _text(twice)
    other = make_record(volunteer, minutes=60, start_hour=13)
    short = client.post(f"/console/records/{other.id}/reject", data={"reason": "x"},
                        headers={"X-CSRF-Token": csrf, "HX-Request": "true"})
    assert short.status_code == 422 and "驳回理由" in _text(short)
    assert client.get("/console/records?status=nonsense").status_code == 422


def test_households_are_found_by_name_phone_tail_and_address_and_exported(any_app):
    community, volunteer, coordinator, elder, client, csrf = _station(any_app)
    household = people.own_household(elder)
    household.building, household.unit, household.room = "5", "1", "102"
    household.save()
    for q in ("钱奶奶", "5678", "5号楼1单元102"):
        found = _text(client.get("/console/households", query_string={"q": q}))
        assert f"/console/households/{household.id}" in found, q
    assert "钱小梅" not in _text(client.get("/console/households", query_string={"q": "没有这个人"}))
    fragment = client.get("/console/households", query_string={"q": "钱"}, headers={"HX-Request": "true"})
    assert _text(fragment).lstrip().startswith('<section class="table"')
    exported = client.get("/console/households", query_string={"q": "钱", "format": "xlsx"})
    assert exported.mimetype.endswith("spreadsheetml.sheet")
    sheet = load_workbook(io.BytesIO(exported.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("户号", "户名") and rows[1][0] == household.id
    records_sheet = load_workbook(io.BytesIO(client.get("/console/records?status=credited&format=xlsx").data)).active
    assert [list(r) for r in records_sheet.iter_rows(values_only=True)][0][0] == "编号"

    page = _text(client.get(f"/console/households/{household.id}"))
    assert "钱奶奶" in page and f"/console/households/{household.id}/passbook.pdf" in page
    printed = client.get(f"/console/households/{household.id}/passbook.pdf")
    assert printed.status_code == 200 and printed.mimetype == "application/pdf" and printed.data.startswith(b"%PDF")
    # another community's household: 404, as the API answers
    foreign = make_member(make_community())
    assert client.get(f"/console/households/{foreign.household_id}").status_code == 404
    assert client.post(f"/console/households/{foreign.household_id}/code-cards", data={"csrf_token": csrf}).status_code == 404


def test_tables_page_with_the_apis_cursor(any_app):
    community, volunteer, coordinator, elder, client, csrf = _station(any_app)
    for n in range(22):
        make_member(community, name=f"住户{n:02d}")
    first = _text(client.get("/console/households"))
    cursor = re.search(r"cursor=([^&\"]+)", first).group(1)
    second = _text(client.get(f"/console/households?sort=old&cursor={cursor}"))
    assert "住户21" in second and "住户00" not in second
    assert client.get("/console/households?cursor=nonsense").status_code == 422


def test_a_code_card_issued_at_the_console_confirms_a_record(any_app):
    community, volunteer, coordinator, elder, client, csrf = _station(any_app)
    issued = client.post(f"/console/households/{elder.household_id}/code-cards", data={"csrf_token": csrf})
    assert issued.status_code == 200 and "只显示这一次" in _text(issued)
    codes = re.findall(r'<span class="code">(\d{6})</span>', _text(issued))
    assert len(codes) >= 10
    record = make_record(volunteer, witness=elder, minutes=60, start_hour=9)
    confirmed = client.post("/api/v1/service-records/confirm-code", headers=headers(any_app, volunteer),
                            json={"record_id": record.id, "code": codes[0]})
    assert confirmed.status_code == 200 and confirmed.json["status"] == "credited"
    # the household page lists the card without its codes
    page = _text(client.get(f"/console/households/{elder.household_id}"))
    assert "使用中" in page and codes[1] not in page


def test_the_desk_shows_what_the_api_desk_answers(any_app):
    community, volunteer, coordinator, elder, client, csrf = _station(any_app)
    make_record(volunteer, minutes=60, start_hour=9)
    api = client.get("/api/v1/desk", headers=headers(any_app, coordinator)).json
    page = _text(client.get("/console/"))
    assert len(api["records_waiting"]) == 1 and "赵大勇" in page
    assert page_csrf(client, "/console/records")
