"""Imports from paper and Excel over HTTP (issue #16 §3): preview with problems → fix → commit → the ledger
verifies → the same file again posts nothing; permissions; bad files in Chinese."""

import csv
import datetime as dt
import io

import openpyxl
import pytest

from server import clock
from server.db import database
from server.models import ImportBatch, Member, ServiceRecord, Transfer, Volunteer, VolunteerTeam
from server.services.ledger import ledger_verify
from tests.conftest import make_app
from tests.factories import headers, make_admin, make_community, make_coordinator, make_member

NOW = dt.datetime(2026, 11, 18, 16, 0)

VOLUNTEER_HEADERS = ["姓名", "手机号", "性别", "出生日期", "楼栋", "单元", "房号", "服务队", "职业", "特长"]
HOUSEHOLD_HEADERS = ["楼栋", "单元", "房号", "户名", "姓名", "手机号", "与户主关系", "性别", "出生日期"]
OPENING_HEADERS = ["楼栋", "单元", "房号", "户主姓名", "纸质存折号", "结余小时数", "结余日期"]
RECORD_HEADERS = ["志愿者姓名", "志愿者手机号", "服务对象楼栋", "服务对象单元", "服务对象房号", "服务对象姓名", "服务类别",
                  "服务项目", "服务地点", "服务日期", "开始时间", "结束时间", "服务内容", "见证人姓名", "见证人电话"]


def xlsx(header: list, rows: list) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(header: list, rows: list, encoding: str) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def upload(client, app, member, kind: str, data: bytes, *, name="台账.xlsx", community=None):
    form = {"kind": kind, "file": (io.BytesIO(data), name)}
    if community is not None:
        form["community_id"] = str(community.id)
    return client.post("/api/v1/imports", headers=headers(app, member), data=form,
                       content_type="multipart/form-data")


def _station(any_app):
    clock.freeze(NOW)
    community = make_community()
    coordinator = make_coordinator(community, name="孙站长")
    return community, coordinator, any_app.test_client()


def _committed(client, app, member, kind, data):
    preview = upload(client, app, member, kind, data)
    assert preview.status_code == 201, preview.json
    assert preview.json["problems"] == [], preview.json["problems"]
    done = client.post(f"/api/v1/imports/{preview.json['id']}/commit", headers=headers(app, member))
    assert done.status_code == 200, done.json
    return done.json


def test_households_then_balances_then_volunteers_then_records_a_station_starts_from_paper(any_app):
    community, coordinator, client = _station(any_app)
    auth = headers(any_app, coordinator)

    # 1. households, first with problems: no head, a bad phone, an unknown relation
    bad = xlsx(HOUSEHOLD_HEADERS, [
        ["3栋", "2单元", "301", "", "王建国", "13800138001", "本人", "男", "1950-01-01"],
        ["3栋", "2单元", "301", "", "刘芳", "1380013", "配偶", "女", ""],
        ["5栋", "1单元", "102", "李家", "李秀英", "", "母亲", "女", "1938-03-02"],
        ["5栋", "1单元", "102", "", "李小红", "13900139002", "表姐", "女", ""],
    ])
    preview = upload(client, any_app, coordinator, "households", bad)
    assert preview.status_code == 201, preview.json
    body = preview.json
    assert (body["status"], body["row_count"], body["problem_rows"], body["ok_rows"]) == ("previewed", 4, 3, 1)
    found = {(p["row"], p["column"]) for p in body["problems"]}
    assert {(3, "手机号"), (5, "与户主关系"), (4, "与户主关系")} <= found
    assert all(p["reason"] for p in body["problems"])
    refused = client.post(f"/api/v1/imports/{body['id']}/commit", headers=auth)
    assert refused.status_code == 409 and refused.json["errors"]["details"]["problems"]
    assert "第3行" in refused.json["message"]
    assert Member.select().where(Member.community == community.id, Member.name == "王建国").count() == 0

    # fixed: the same sheet with the rows put right commits
    households = _committed(client, any_app, coordinator, "households", xlsx(HOUSEHOLD_HEADERS, [
        ["3栋", "2单元", "301", "", "王建国", "13800138001", "本人", "男", "1950-01-01"],
        ["3栋", "2单元", "301", "", "刘芳", "13800138003", "配偶", "女", ""],
        ["5栋", "1单元", "102", "李家", "李秀英", "", "本人", "女", "1938-03-02"],
        ["5栋", "1单元", "102", "", "李小红", "13900139002", "女儿", "女", ""],
    ]))
    assert households["status"] == "committed" and households["result"]["households"] == 2
    assert households["result"]["members"] == 4
    wang = Member.get(Member.phone == "13800138001")
    assert wang.is_head and wang.household.name == "王建国家" and wang.household.building == "3栋"

    # 2. paper passbooks' opening balances (a CSV in GBK, as Chinese Excel saves it)
    opening = csv_bytes(OPENING_HEADERS, [
        ["3栋", "2单元", "301", "王建国", "ZZ-0101", "12.5", "2024-06-30"],
        ["5栋", "1单元", "102", "李秀英", "ZZ-0002", "3", ""],
    ], "gbk")
    balances = _committed(client, any_app, coordinator, "opening_balances", opening)
    assert balances["result"]["transfers"] == 2 and balances["result"]["minutes"] == 750 + 180
    transfer = Transfer.get(Transfer.idempotency_key == f"opening:{wang.household_id}")
    assert transfer.code == "opening" and "ZZ-0101" in transfer.reason
    book = client.get(f"/api/v1/households/{wang.household_id}/passbook", headers=auth).json
    assert book["balance_minutes"] == 750
    # the same file again is the same import: nothing posts twice
    again = upload(client, any_app, coordinator, "opening_balances", opening, name="again.csv")
    assert again.status_code == 201 and again.json["id"] == balances["id"] and again.json["status"] == "committed"
    recommit = client.post(f"/api/v1/imports/{balances['id']}/commit", headers=auth)
    assert recommit.status_code == 200 and recommit.json["result"] == balances["result"]
    assert Transfer.select().where(Transfer.code == "opening").count() == 2
    # a second opening balance for a household is a problem, whatever the file
    twice = upload(client, any_app, coordinator, "opening_balances",
                   xlsx(OPENING_HEADERS, [["3栋", "2单元", "301", "王建国", "ZZ-0009", "1", ""]]))
    assert [p["column"] for p in twice.json["problems"]] == ["房号"]

    # 3. volunteers with their teams: one lives in an imported household, one at a new address
    team_sheet = xlsx(VOLUNTEER_HEADERS, [
        ["刘芳", "13800138003", "女", "", "3栋", "2单元", "301", "居家养老服务队、理发服务队", "退休教师", "理发"],
        ["赵大勇", "13700137004", "男", "1968-08-08", "9栋", "", "901", "理发服务队", "", ""],
    ])
    joined = _committed(client, any_app, coordinator, "volunteers", team_sheet)
    assert joined["result"]["volunteers"] == 2 and joined["result"]["households_new"] == 1
    assert joined["result"]["teams_new"] == 1
    zhao = Member.get(Member.phone == "13700137004")
    profile = Volunteer.get(Volunteer.member == zhao)
    assert profile.status == "active" and zhao.household.room == "901"
    assert VolunteerTeam.select().where(VolunteerTeam.volunteer == profile).count() == 1

    # 4. historical service records from paper forms: credited to the volunteers, flagged as paper
    records = _committed(client, any_app, coordinator, "service_records", xlsx(RECORD_HEADERS, [
        ["赵大勇", "13700137004", "5栋", "1单元", "102", "李秀英", "帮困", "精神抚慰（陪伴聊天）", "李秀英家",
         "2026-10-08", "09:00", "10:40", "陪老人聊天", "李小红", "13900139002"],
        ["刘芳", "13800138003", "", "", "", "", "环境保护", "", "小区花园", "2026-10-09", "14:00", "16:00",
         "清理花坛", "周邻居", "13600136005"],
    ]))
    assert records["result"]["records"] == 2 and records["result"]["minutes"] == 90 + 120
    record = ServiceRecord.get(ServiceRecord.volunteer == zhao.id)
    assert (record.source, record.status, record.confirmed_via, record.credited_minutes) == (
        "counter", "credited", "paper", 90)
    assert record.recipient.name == "李秀英"
    zhao_book = client.get("/api/v1/me/passbook", headers=headers(any_app, zhao)).json
    assert zhao_book["balance_minutes"] == 90

    verified = client.get("/api/v1/ledger/verification", headers=auth)
    assert verified.status_code == 200 and verified.json["ok"], verified.json
    assert ledger_verify.verify(community.id) == []
    listed = client.get("/api/v1/imports", headers=auth)
    assert listed.status_code == 200 and len(listed.json["items"]) == 6


def test_the_preview_names_every_row_problem_of_service_records(any_app):
    community, coordinator, client = _station(any_app)
    volunteer = make_member(community, name="赵大勇", phone="13700137004")
    from server.services.people import volunteers

    volunteers.enrol(volunteer, {})
    sheet = xlsx(RECORD_HEADERS, [
        ["赵大勇", "13700137004", "", "", "", "", "帮困", "", "社区", "2026-10-08", "09:00", "10:40", "陪聊", "张三",
         "13600136005"],
        ["赵大勇", "13700137004", "", "", "", "", "帮困", "", "社区", "2026-10-08", "10:00", "11:00", "陪聊", "张三",
         "13600136005"],  # overlaps the row above
        ["赵大勇", "13700137004", "", "", "", "", "没有的类别", "", "社区", "2026-13-40", "9点", "8:00", "", "",
         ""],
        ["钱多多", "13500135000", "", "", "", "", "帮困", "", "社区", "2026-10-08", "09:00", "10:00", "陪聊", "张三",
         "13600136005"],
        ["赵大勇", "13700137004", "", "", "", "", "帮困", "", "社区", "2026-12-01", "09:00", "10:00", "陪聊", "张三",
         "13700137004"],
    ])
    body = upload(client, any_app, coordinator, "service_records", sheet).json
    problems = {(p["row"], p["column"]) for p in body["problems"]}
    assert (3, "开始时间") in problems
    assert {(4, "服务类别"), (4, "服务日期"), (4, "服务内容"), (4, "见证人姓名"), (4, "见证人电话")} <= problems
    assert (5, "志愿者手机号") in problems
    assert (6, "服务日期") in problems or (6, "见证人电话") in problems
    assert body["ok_rows"] == 1 and body["problem_rows"] == 4


def test_a_volunteer_without_a_household_is_a_row_problem_not_a_failed_commit(any_app):
    """A volunteer loaded without a household (an old record) has no passbook to credit: the preview names the
    row, where the commit used to fail whole on it ("这个家庭还没有存折账户") without saying which row."""
    community, coordinator, client = _station(any_app)
    alone = make_member(community, name="孤大勇", phone="13700137009", household=False)
    Volunteer.create(member=alone.id, community=community.id, volunteer_no="OLD-1", status="active")
    sheet = xlsx(RECORD_HEADERS, [["孤大勇", "13700137009", "", "", "", "", "帮困", "", "社区", "2026-10-08", "09:00",
                                   "10:00", "陪聊", "张三", "13600136005"]])
    body = upload(client, any_app, coordinator, "service_records", sheet).json
    assert [(p["row"], p["column"]) for p in body["problems"]] == [(2, "志愿者手机号")]
    assert "家庭存折" in body["problems"][0]["reason"]
    refused = client.post(f"/api/v1/imports/{body['id']}/commit", headers=headers(any_app, coordinator))
    assert refused.status_code == 409 and ServiceRecord.select().count() == 0


def test_another_communitys_coordinator_cannot_see_or_commit_and_residents_cannot_import(any_app):
    community, coordinator, client = _station(any_app)
    other = make_coordinator(make_community())
    resident = make_member(community)
    sheet = xlsx(HOUSEHOLD_HEADERS, [["1栋", "", "101", "", "甲", "", "本人", "", ""]])
    mine = upload(client, any_app, coordinator, "households", sheet).json
    assert client.get(f"/api/v1/imports/{mine['id']}", headers=headers(any_app, other)).status_code == 404
    assert client.post(f"/api/v1/imports/{mine['id']}/commit", headers=headers(any_app, other)).status_code == 404
    assert upload(client, any_app, other, "households", sheet, community=community).status_code == 403
    assert upload(client, any_app, resident, "households", sheet).status_code == 403
    assert client.get("/api/v1/imports/templates/households.xlsx",
                      headers=headers(any_app, resident)).status_code == 403
    assert client.get("/api/v1/imports", headers=headers(any_app, other)).json["items"] == []
    # an admin names the community
    admin = make_admin()
    assert upload(client, any_app, admin, "households", sheet, community=community).json["id"] == mine["id"]
    assert upload(client, any_app, admin, "households", sheet).status_code == 422
    assert ImportBatch.select().count() == 1


@pytest.fixture
def small_app(database_url, redis_url, redis):
    """Imports of at most 3 rows and 64 KB."""
    application = make_app(database_url, redis_url, IMPORT_MAX_ROWS=3, IMPORT_MAX_BYTES=64 * 1024)
    yield application
    clock.freeze(None)
    if not database.is_closed():
        database.close()


def test_bad_files_are_refused_in_chinese_naming_the_file(small_app):
    any_app = small_app
    community, coordinator, client = _station(any_app)
    cases = {
        "not a sheet": b"%PDF-1.4 \x00\x01\x02 binary",
        "empty": b"",
        "old xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100,
        "broken xlsx": b"PK\x03\x04" + b"\x00" * 100,
        "header only": xlsx(HOUSEHOLD_HEADERS, []),
        "missing columns": xlsx(["楼栋", "姓名"], [["1栋", "甲"]]),
        "too many rows": xlsx(HOUSEHOLD_HEADERS, [["1栋", "", str(n), "", "甲", "", "本人", "", ""] for n in range(4)]),
    }
    for case, data in cases.items():
        answer = upload(client, any_app, coordinator, "households", data)
        assert answer.status_code == 422, (case, answer.json)
        assert "file" in answer.json["errors"]["json"], case
        assert any("\u4e00" <= ch <= "\u9fff" for ch in answer.json["errors"]["json"]["file"][0]), case
    wrong_kind = upload(client, any_app, coordinator, "pets", xlsx(HOUSEHOLD_HEADERS, [["1"]]))
    assert wrong_kind.status_code == 422 and "kind" in wrong_kind.json["errors"]["form"]
    no_file = client.post("/api/v1/imports", headers=headers(any_app, coordinator), data={"kind": "households"},
                          content_type="multipart/form-data")
    assert no_file.status_code == 422
    too_large = upload(client, any_app, coordinator, "households", b"x" * 70 * 1024, name="big.csv")
    assert too_large.status_code == 413
    assert ImportBatch.select().count() == 0


def test_csv_in_utf8_with_bom_and_the_templates_example_row_skipped(any_app):
    community, coordinator, client = _station(any_app)
    template = client.get("/api/v1/imports/templates/households.xlsx", headers=headers(any_app, coordinator))
    assert template.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(template.data))
    header = [cell.value for cell in book.active[1]]
    assert header[:3] == ["楼栋*", "单元", "房号*"] and book.active["A1"].comment.text
    example = [cell.value for cell in book.active[2]]
    data = b"\xef\xbb\xbf" + csv_bytes(header, [example, ["1栋", "", "101", "", "甲", "", "本人", "", ""]], "utf-8")
    body = upload(client, any_app, coordinator, "households", data, name="户籍.csv").json
    assert (body["row_count"], body["plan"]["example_rows_skipped"], body["problems"]) == (1, 1, [])
    assert client.get("/api/v1/imports/templates/pets.xlsx", headers=headers(any_app, coordinator)).status_code == 422


def test_commit_checks_again_what_changed_since_the_preview_and_posts_nothing(any_app):
    community, coordinator, client = _station(any_app)
    sheet = xlsx(HOUSEHOLD_HEADERS, [["8栋", "", "808", "", "周老伯", "13800138808", "本人", "男", ""],
                                     ["8栋", "", "808", "", "周阿姨", "", "配偶", "女", ""]])
    preview = upload(client, any_app, coordinator, "households", sheet).json
    assert preview["problems"] == [] and preview["plan"]["households"] == 1
    make_member(community, name="别人", phone="13800138808")  # the phone was given to someone meanwhile
    refused = client.post(f"/api/v1/imports/{preview['id']}/commit", headers=headers(any_app, coordinator))
    assert refused.status_code == 409 and refused.json["errors"]["details"]["problems"] == [
        {"row": 2, "column": "手机号", "reason": "这个手机号在系统里已经登记给了“别人”"}]
    assert Member.select().where(Member.name.in_(["周老伯", "周阿姨"])).count() == 0
    assert client.get(f"/api/v1/imports/{preview['id']}",
                      headers=headers(any_app, coordinator)).json["status"] == "previewed"


def test_an_opening_balance_above_the_storage_cap_overflows_to_the_love_pool_and_a_known_member_is_enrolled(
        any_app):
    community, coordinator, client = _station(any_app)
    auth = headers(any_app, coordinator)
    resident = make_member(community, name="吴大姐", phone="13800138111", building="2栋")
    household = resident.household
    opening = _committed(client, any_app, coordinator, "opening_balances", xlsx(OPENING_HEADERS, [
        [household.building, household.unit, household.room, "吴大姐", "ZZ-9", "1600", ""]]))
    assert opening["result"]["minutes"] == 1600 * 60 and opening["result"]["overflow_minutes"] == 100 * 60
    book = client.get(f"/api/v1/households/{household.id}/passbook", headers=auth).json
    assert book["balance_minutes"] == 1500 * 60
    assert client.get("/api/v1/ledger/love-pool", headers=auth).json["balance_minutes"] == 100 * 60
    assert ledger_verify.verify(community.id) == []

    enrolled = _committed(client, any_app, coordinator, "volunteers", xlsx(VOLUNTEER_HEADERS, [
        ["吴大姐", "13800138111", "", "", "", "", "", "医疗健康服务队", "护士", ""]]))
    assert (enrolled["result"]["members_new"], enrolled["result"]["households_new"]) == (0, 0)
    profile = Volunteer.get(Volunteer.member == resident.id)
    assert profile.status == "active" and profile.occupation == "护士"
    again = upload(client, any_app, coordinator, "volunteers", xlsx(VOLUNTEER_HEADERS, [
        ["吴大姐", "13800138111", "", "", "", "", "", "", "", ""]])).json
    assert [(p["column"], p["reason"]) for p in again["problems"]] == [("手机号", "这个手机号的人已经登记过志愿者")]
