"""The console's other pages over HTTP, on the demo data: each renders for the community's coordinator, its
actions change what the API then answers, another community's objects are 404, and every write wants CSRF."""

import io
import re

import pytest
from openpyxl import load_workbook

from server.models import Agreement, Event, Member, Provider
from server.services.oversight import periods
from server.services.people import demo
from tests.console.helpers import console_login
from tests.factories import headers

PAGES = {  # page → what a coordinator of 和平里 must see on it
    "/console/agreements": "待签署|执行中",
    "/console/recipient-files": "行动不便",
    "/console/events": "每月16日集中服务",
    "/console/month": "月结单",
    "/console/audits": "开始检查",
    "/console/notices": "发布季度公示",
    "/console/stars": "星级",
    "/console/reports": "十年兑付能力展望",
    "/console/providers": "安家居家养老服务中心",
    "/console/networks": "和平街道通存通兑",
}


def _text(answer) -> str:
    return answer.get_data(as_text=True)


def _login(any_app, handle: str):
    member = Member.get(Member.handle == handle)
    client = any_app.test_client()
    return member, client, console_login(client, any_app, member)


@pytest.fixture
def station(any_app):
    assert demo.load()
    return _login(any_app, "coordinator")


def test_every_page_renders_for_the_coordinator_and_is_in_the_navigation(any_app, station):
    zhao, client, csrf = station
    desk = _text(client.get("/console/"))
    for page, expected in PAGES.items():
        answer = client.get(page)
        assert answer.status_code == 200, (page, answer.status_code)
        assert re.search(expected, _text(answer)), page
        assert f'href="{page}"' in desk or page == "/console/recipient-files", page


def test_tables_export_the_same_rows_to_excel(any_app, station):
    zhao, client, csrf = station
    for page, title in (("/console/agreements", "受助人"), ("/console/events", "活动")):
        answer = client.get(page + "?format=xlsx")
        assert answer.status_code == 200 and answer.mimetype.endswith("spreadsheetml.sheet"), page
        rows = list(load_workbook(io.BytesIO(answer.data)).active.values)
        assert title in rows[0] and len(rows) == 2, (page, rows)  # the header and the demo's one row


def test_an_agreement_is_suspended_from_the_console_as_through_the_api(any_app, station):
    zhao, client, csrf = station
    agreement = Agreement.get(Agreement.community == zhao.community_id)
    page = client.get(f"/console/agreements/{agreement.id}")
    assert page.status_code == 200 and "孙丽" in _text(page) and 'data-status="active"' in _text(page)

    assert client.post(f"/console/agreements/{agreement.id}/status", data={"action": "suspend"}).status_code == 400
    bad = client.post(f"/console/agreements/{agreement.id}/status", data={"csrf_token": csrf, "action": "pause"})
    assert bad.status_code == 422 and 'class="error"' in _text(bad)
    done = client.post(f"/console/agreements/{agreement.id}/status",
                       data={"csrf_token": csrf, "action": "suspend", "note": "老人住院，暂停一个月"})
    assert done.status_code == 302
    api = client.get(f"/api/v1/agreements/{agreement.id}", headers=headers(any_app, zhao)).json
    assert (api["status"], api["status_note"]) == ("suspended", "老人住院，暂停一个月")
    again = client.post(f"/console/agreements/{agreement.id}/status", data={"csrf_token": csrf, "action": "suspend"})
    assert again.status_code == 409 and "状态不能暂停" in _text(again)


def test_an_activity_that_has_not_begun_cannot_be_closed(any_app, station):
    zhao, client, csrf = station
    event = Event.get(Event.community == zhao.community_id)
    assert "结束活动并记时长" in _text(client.get(f"/console/events/{event.id}"))
    refused = client.post(f"/console/events/{event.id}/close", data={"csrf_token": csrf})
    assert refused.status_code == 409 and "开始之前不能结束活动" in _text(refused)
    assert Event.get_by_id(event.id).status == "open"


def test_an_audit_is_run_worked_through_and_closed_from_the_console(any_app, station):
    zhao, client, csrf = station
    year, quarter = periods.last_ended_quarter()
    bad = client.post("/console/audits", data={"csrf_token": csrf, "year": str(year), "quarter": "5"})
    assert bad.status_code == 422
    run = client.post("/console/audits", data={"csrf_token": csrf, "year": str(year), "quarter": str(quarter),
                                               "sample_size": "2"})
    assert run.status_code == 302, _text(run)
    audit_id = int(run.headers["Location"].rsplit("/", 1)[1])
    page = _text(client.get(f"/console/audits/{audit_id}"))
    assert 'data-ledger-ok="true"' in page
    visits = re.findall(r'/console/audit-visits/(\d+)/outcome', page)
    assert len(visits) == 2, page

    early = client.post(f"/console/audits/{audit_id}/close", data={"csrf_token": csrf})
    assert early.status_code == 422
    unexplained = client.post(f"/console/audit-visits/{visits[0]}/outcome",
                              data={"csrf_token": csrf, "outcome": "disputed", "method": "phone"})
    assert unexplained.status_code == 422 and "请写明走访情况" in _text(unexplained)
    for visit in visits:
        told = client.post(f"/console/audit-visits/{visit}/outcome",
                           data={"csrf_token": csrf, "outcome": "confirmed", "method": "phone", "notes": "电话核实无误"})
        assert told.status_code == 302, _text(told)
    assert client.post(f"/console/audits/{audit_id}/close", data={"csrf_token": csrf}).status_code == 302
    api = client.get(f"/api/v1/audits/{audit_id}", headers=headers(any_app, zhao)).json
    assert api["status"] == "closed" and api["visit_counts"]["confirmed"] == 2
    report = client.get(f"/console/audits/{audit_id}/report")
    assert report.status_code == 200 and report.data.startswith(b"%PDF")


def test_a_quarterly_notice_is_published_and_shown_for_the_board(any_app, station):
    zhao, client, csrf = station
    year, quarter = periods.last_ended_quarter()
    published = client.post("/console/notices", data={"csrf_token": csrf, "year": str(year), "quarter": str(quarter)})
    assert published.status_code == 302, _text(published)
    notice = client.get(published.headers["Location"])
    assert notice.status_code == 200 and "兑付率" in _text(notice) and "打印张贴" in _text(notice)
    listed = client.get("/api/v1/notices", headers=headers(any_app, zhao)).json
    assert any(n["year"] == year and n["quarter"] == quarter for n in listed["items"])
    assert client.get("/console/stars?year=1999").status_code == 422


def test_the_month_register_balances_and_downloads(any_app):
    assert demo.load()
    zheng, client, csrf = _login(any_app, "coordinator-b")
    months = _text(client.get("/console/month"))
    year, month = map(int, re.search(r"/console/month/register\?year=(\d+)&amp;month=(\d+)", months).groups())
    register = client.get(f"/console/month/register?year={year}&month={month}")
    wu = Member.get(Member.handle == "resident-b")
    assert register.status_code == 200 and 'data-balanced="true"' in _text(register)
    assert wu.household.name in _text(register) and "10.0" in _text(register)  # 吴家's paper passbook came over
    workbook = client.get(f"/console/month/register?year={year}&month={month}&format=xlsx")
    assert workbook.status_code == 200 and load_workbook(io.BytesIO(workbook.data)).sheetnames
    assert client.get("/console/month/register?year=2001&month=1").status_code == 422
    assert client.get("/console/month/register?year=x").status_code == 422


def test_providers_are_added_and_stopped_from_the_console(any_app, station):
    zhao, client, csrf = station
    page = _text(client.get("/console/providers"))
    category = re.search(r'name="category_ids" value="(\d+)"', page).group(1)
    bad = client.post("/console/providers", data={"csrf_token": csrf, "name": "夕阳红助浴队", "phone": "12345",
                                                  "category_ids": [category]})
    assert bad.status_code == 422 and "请填写11位手机号" in _text(bad)
    none = client.post("/console/providers", data={"csrf_token": csrf, "name": "夕阳红助浴队"})
    assert none.status_code == 422
    added = client.post("/console/providers", data={"csrf_token": csrf, "name": "夕阳红助浴队", "phone": "13911112222",
                                                    "category_ids": [category], "active": "on"})
    assert added.status_code == 302, _text(added)
    provider = Provider.get(Provider.name == "夕阳红助浴队")
    assert provider.community_id == zhao.community_id and provider.active
    assert client.post(f"/console/providers/{provider.id}/active", data={"csrf_token": csrf}).status_code == 302
    api = client.get("/api/v1/providers", headers=headers(any_app, zhao)).json
    assert next(p for p in api if p["id"] == provider.id)["active"] is False


def test_the_network_shows_positions_summing_to_zero_and_a_months_settlement(any_app, station):
    zhao, client, csrf = station
    page = _text(client.get("/console/networks"))
    assert 'data-total="0"' in page and "幸福苑" in page
    network_id = re.search(r'/console/networks/(\d+)/settlement', page).group(1)
    from server import clock

    today = clock.today()
    settlement = client.get(f"/console/networks/{network_id}/settlement?year={today.year}&month={today.month}")
    assert settlement.status_code == 200 and "社区之间的流动" in _text(settlement) and "1.0" in _text(settlement)
    assert client.get(f"/console/networks/{network_id}/settlement?year={today.year}").status_code == 422


def test_another_communitys_objects_are_not_found(any_app):
    assert demo.load()
    zhao = Member.get(Member.handle == "coordinator")
    zheng, client, csrf = _login(any_app, "coordinator-b")
    agreement = Agreement.get(Agreement.community == zhao.community_id)
    provider = Provider.get(Provider.community == zhao.community_id)
    event = Event.get(Event.community == zhao.community_id)
    assert client.get(f"/console/agreements/{agreement.id}").status_code == 404
    assert client.post(f"/console/agreements/{agreement.id}/status",
                       data={"csrf_token": csrf, "action": "end"}).status_code == 404
    assert client.get(f"/console/events/{event.id}").status_code == 404
    assert client.post(f"/console/providers/{provider.id}/active", data={"csrf_token": csrf}).status_code == 404
    assert Agreement.get_by_id(agreement.id).status == "active" and Provider.get_by_id(provider.id).active


def test_a_resident_without_a_station_role_is_refused_every_page(any_app):
    assert demo.load()
    resident = Member.get(Member.handle == "resident")
    client = any_app.test_client()
    from tests.console.helpers import approve, login_page

    payload, _ = login_page(client)
    assert approve(client, any_app, resident, payload).status_code in (403, 404)
    for page in PAGES:
        answer = client.get(page)
        assert answer.status_code == 302 and "/console/login" in answer.headers["Location"], page
