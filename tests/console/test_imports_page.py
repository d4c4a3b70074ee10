"""导入 in the console over HTTP: a template, an upload with problems shown by row and column, the fixed sheet
committed once (the same file again posts nothing), the ledger verifying after; the same import service as
`/api/v1/imports`."""

import io
import re

from openpyxl import load_workbook

from server import clock
from server.models import Household, ImportBatch, Transfer
from server.services.ledger import ledger_verify
from tests.console.helpers import console_login
from tests.factories import make_community, make_coordinator
from tests.resources.test_imports import HOUSEHOLD_HEADERS, NOW, OPENING_HEADERS, csv_bytes, xlsx

BAD = xlsx(HOUSEHOLD_HEADERS, [
    ["3栋", "2单元", "301", "", "王建国", "13800138001", "本人", "男", "1950-01-01"],
    ["3栋", "2单元", "301", "", "刘芳", "1380013", "配偶", "女", ""],
])
GOOD = xlsx(HOUSEHOLD_HEADERS, [
    ["3栋", "2单元", "301", "", "王建国", "13800138001", "本人", "男", "1950-01-01"],
    ["3栋", "2单元", "301", "", "刘芳", "13800138002", "配偶", "女", ""],
])


def _text(answer) -> str:
    return answer.get_data(as_text=True)


def _upload(client, csrf, kind, data, name="台账.xlsx"):
    return client.post("/console/imports", data={"csrf_token": csrf, "kind": kind, "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def _station(any_app):
    clock.freeze(NOW)
    community = make_community()
    coordinator = make_coordinator(community, name="孙站长")
    client = any_app.test_client()
    return community, client, console_login(client, any_app, coordinator)


def test_a_sheet_with_problems_is_fixed_then_committed_once(any_app):
    community, client, csrf = _station(any_app)
    page = client.get("/console/imports")
    assert page.status_code == 200 and "家庭和成员模板" in _text(page)
    template = client.get("/console/imports/templates/households.xlsx")
    assert template.status_code == 200
    assert "与户主关系" in "".join(str(c) for c in next(load_workbook(io.BytesIO(template.data)).active.values) if c)

    bad = _upload(client, csrf, "households", BAD)
    assert bad.status_code == 302, _text(bad)
    preview = _text(client.get(bad.headers["Location"]))
    assert 'data-problem-rows="1"' in preview and "/commit" not in preview  # no commit button while a row is wrong
    assert re.search(r"<td class=\"num\">3</td><td>手机号</td>", preview), preview  # Excel's row 3, the phone column
    batch = int(bad.headers["Location"].rsplit("/", 1)[1])
    refused = client.post(f"/console/imports/{batch}/commit", data={"csrf_token": csrf})
    assert refused.status_code == 409 and "第3行" in _text(refused)
    assert Household.select().where(Household.community == community.id).count() == 0

    good = _upload(client, csrf, "households", GOOD)
    fixed = _text(client.get(good.headers["Location"]))
    assert "检查通过" in fixed and "/commit" in fixed
    fixed_id = int(good.headers["Location"].rsplit("/", 1)[1])
    done = client.post(f"/console/imports/{fixed_id}/commit", data={"csrf_token": csrf})
    assert done.status_code == 302
    assert 'data-status="committed"' in _text(client.get(done.headers["Location"]))
    assert Household.select().where(Household.community == community.id).count() == 1

    again = _upload(client, csrf, "households", GOOD)  # the same file: the same import, nothing twice
    assert again.headers["Location"] == good.headers["Location"]
    assert client.post(f"/console/imports/{fixed_id}/commit", data={"csrf_token": csrf}).status_code == 302
    assert Household.select().where(Household.community == community.id).count() == 1

    balances = csv_bytes(OPENING_HEADERS, [["3栋", "2单元", "301", "王建国", "A-0012", "12.5", "2026-10-31"]], "gbk")
    opened = _upload(client, csrf, "opening_balances", balances, name="存折.csv")
    opened_id = int(opened.headers["Location"].rsplit("/", 1)[1])
    assert client.post(f"/console/imports/{opened_id}/commit", data={"csrf_token": csrf}).status_code == 302
    assert Transfer.select().where(Transfer.code == "opening", Transfer.community == community.id).count() == 1
    assert ledger_verify.verify() == []
    assert ImportBatch.select().count() == 3
    listed = _text(client.get("/console/imports"))
    assert listed.count("/console/imports/") >= 3 and "已导入" in listed


def test_bad_uploads_are_said_under_the_form_and_other_stations_imports_are_not_found(any_app):
    community, client, csrf = _station(any_app)
    assert _upload(client, csrf, "", GOOD).status_code == 422
    not_a_sheet = _upload(client, csrf, "households", b"%PDF-1.4 not a sheet", name="scan.pdf")
    assert not_a_sheet.status_code == 422 and 'class="error"' in _text(not_a_sheet)
    missing = client.post("/console/imports", data={"csrf_token": csrf, "kind": "households"},
                          content_type="multipart/form-data")
    assert missing.status_code == 422 and "请选择要上传" in _text(missing)
    assert client.post("/console/imports", data={"kind": "households", "file": (io.BytesIO(GOOD), "a.xlsx")},
                       content_type="multipart/form-data").status_code == 400  # no CSRF token

    other = make_community()
    _, other_client, other_csrf = _station_of(any_app, other)
    theirs = _upload(other_client, other_csrf, "households", GOOD)
    their_id = int(theirs.headers["Location"].rsplit("/", 1)[1])
    assert client.get(f"/console/imports/{their_id}").status_code == 404
    assert client.post(f"/console/imports/{their_id}/commit", data={"csrf_token": csrf}).status_code == 404
    assert ImportBatch.get_by_id(their_id).status == "previewed"


def _station_of(any_app, community):
    coordinator = make_coordinator(community, name="周站长")
    client = any_app.test_client()
    return community, client, console_login(client, any_app, coordinator)
