"""The console in a real headless Chromium (Debian's, driven by Playwright): scan login with the approval made
through the API, counter entry, a correction, printing a passbook, issuing a code card and confirming a record
with one of its codes. Every wait is one of Playwright's auto-waiting expectations, with generous timeouts:
nothing depends on how fast the machine is."""

import datetime as dt
import re

import pytest
import requests

from server import clock
from server.services.people import core as people
from tests.console.browser import browser_context, chromium_installed, serving
from tests.factories import headers, make_community, make_coordinator, make_member, make_volunteer

pytestmark = [pytest.mark.browser, pytest.mark.slow,
              pytest.mark.skipif(not chromium_installed(), reason="Chromium is not installed (make test installs it)")]

NOW = dt.datetime(2026, 11, 18, 16, 0)
WAIT = 60_000


@pytest.fixture
def station(app):
    from playwright.sync_api import expect

    expect.set_options(timeout=WAIT)
    clock.freeze(NOW)
    community = make_community()
    volunteer, _ = make_volunteer(community, name="赵大勇")
    coordinator = make_coordinator(community, name="孙站长")
    daughter = make_member(community, name="钱小梅")
    elder = people.add_dependent(daughter, daughter.household, name="钱奶奶", relation="母亲")
    with serving(app) as base, browser_context() as context:
        page = context.new_page()
        page.on("dialog", lambda dialog: dialog.accept())
        yield {"base": base, "page": page, "context": context, "volunteer": volunteer, "coordinator": coordinator,
               "elder": elder, "app": app}


def _scan_login(s):
    from playwright.sync_api import expect

    page, base = s["page"], s["base"]
    page.goto(base + "/console/")
    expect(page).to_have_url(re.compile(r"/console/login"))
    expect(page.locator(".qr svg")).to_be_visible()
    payload = page.locator(".qr").get_attribute("data-payload")
    with s["app"].app_context():
        auth_headers = headers(s["app"], s["coordinator"])
    approved = requests.post(f"{base}/api/v1/console-sessions/{payload}/approve", headers=auth_headers, timeout=60)
    assert approved.status_code == 200, approved.text
    expect(page).to_have_url(base + "/console/")
    expect(page.locator("header .who")).to_contain_text("孙站长")


def _enter(s, *, paper: bool):
    from playwright.sync_api import expect

    page = s["page"]
    page.goto(s["base"] + "/console/counter")
    page.select_option("select[name=volunteer_member_id]", str(s["volunteer"].id))
    page.select_option("select[name=service]", "repairs/appliance_repair")
    page.select_option("select[name=recipient_member_id]", str(s["elder"].id))
    page.select_option("select[name=witness_member_id]", str(s["elder"].id))
    page.fill("input[name=place]", "5号楼1单元102")
    hour = 9 if paper else 13
    page.fill("input[name=started_at]", f"2026-11-18T{hour:02d}:00")
    page.fill("input[name=ended_at]", f"2026-11-18T{hour + 1:02d}:35")
    page.fill("textarea[name=content]", "修理电饭煲（纸质记录单）")
    if paper:
        page.check("input[name=paper_signature]")
    page.get_by_role("button", name="登记").click()
    expect(page.locator(".notice")).to_contain_text("已登记第")
    return int(re.search(r"/console/records/(\d+)", page.url).group(1))


def test_scan_login_counter_entry_correction_and_printing_the_passbook(station):
    from playwright.sync_api import expect

    s, page = station, station["page"]
    _scan_login(s)
    record_id = _enter(s, paper=True)
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "credited")

    # 更正: the check-out was 25 minutes late
    page.fill("input[name=ended_at]", "2026-11-18T10:10")
    page.fill("textarea[name=reason]", "签退时间按错了")
    page.get_by_role("button", name="提交更正").click()
    expect(page.locator(".notice")).to_contain_text("更正已")
    page.goto(s["base"] + "/console/corrections?status=applied")
    expect(page.locator("table")).to_contain_text("签退时间按错了")

    # the volunteer's passbook: the reversal and the corrected credit; printed as a PDF
    page.goto(s["base"] + f"/console/households?q={s['volunteer'].name}")
    page.get_by_role("link", name=re.compile("赵大勇")).first.click()
    expect(page.locator("[data-balance]")).to_have_attribute("data-balance", "60")  # 70 minutes, credited in 30-minute steps
    link = page.locator("a[data-print-passbook]")
    printed = page.request.get(s["base"] + link.get_attribute("href"))
    assert printed.status == 200 and printed.headers["content-type"] == "application/pdf"
    assert printed.body().startswith(b"%PDF")
    assert record_id


def test_a_code_card_issued_at_the_console_confirms_a_counter_entry(station):
    from playwright.sync_api import expect

    s, page = station, station["page"]
    _scan_login(s)
    page.goto(s["base"] + f"/console/households/{s['elder'].household_id}")
    page.get_by_role("button", name="发见证码卡").click()
    expect(page.locator("[data-codes] .code").first).to_be_visible()
    codes = page.locator("[data-codes] .code").all_inner_texts()
    assert len(codes) >= 10 and all(re.fullmatch(r"\d{6}", c) for c in codes)

    record_id = _enter(s, paper=False)
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "reported")
    with s["app"].app_context():
        volunteer_headers = headers(s["app"], s["volunteer"])
    confirmed = requests.post(s["base"] + "/api/v1/service-records/confirm-code", headers=volunteer_headers,
                              json={"record_id": record_id, "code": codes[0]}, timeout=60)
    assert confirmed.status_code == 200, confirmed.text
    page.reload()
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "credited")


def test_logout_and_the_review_table_in_the_browser(station):
    from playwright.sync_api import expect

    s, page = station, station["page"]
    _scan_login(s)
    page.goto(s["base"] + "/console/records?status=credited")
    expect(page.locator("h1")).to_have_text("服务记录 · 已入账")
    page.get_by_role("button", name="退出").click()
    expect(page).to_have_url(re.compile(r"/console/login\?why=logout"))
    expect(page.locator(".alert")).to_contain_text("您已退出工作台")
    page.goto(s["base"] + "/console/")
    expect(page).to_have_url(re.compile(r"/console/login"))


def test_an_import_shows_its_problems_then_the_fixed_sheet_is_committed(station, tmp_path):
    from playwright.sync_api import expect

    from tests.console.test_imports_page import BAD, GOOD

    s = station
    page, base = s["page"], s["base"]
    _scan_login(s)
    (tmp_path / "户籍台账.xlsx").write_bytes(BAD)
    (tmp_path / "户籍台账-改好.xlsx").write_bytes(GOOD)
    for sheet, expected in (("户籍台账.xlsx", "要先改好这些问题"), ("户籍台账-改好.xlsx", "检查通过")):
        page.goto(base + "/console/imports")
        page.locator("select[name=kind]").select_option("households")
        page.locator("input[name=file]").set_input_files(str(tmp_path / sheet))
        page.get_by_role("button", name="上传并检查").click()
        expect(page.locator("main h2").first).to_contain_text(expected)
        if sheet == "户籍台账.xlsx":
            expect(page.locator("[data-problems]")).to_contain_text("手机号")
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator("[data-status]")).to_have_attribute("data-status", "committed")
    expect(page.locator(".notice")).to_contain_text("已导入")
