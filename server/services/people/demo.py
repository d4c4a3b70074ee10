"""Demo data for `make run` and the development login: two communities and their people.

Loaded once (skipped when the demo handles exist), always through the same services
the API uses, so demo rows obey every rule real ones do.
"""

import datetime as dt

from server.db import database
from server.models import Community, Member, Team
from server.services.board import catalog
from server.services.people import core as people
from server.services.people import volunteers

DEMO_LOGINS = [
    ("resident", "王秀兰", ["resident"], "和平里社区居民，72岁，王家户主"),
    ("volunteer", "李建国", ["resident", "volunteer"], "和平里社区志愿者，会修家电"),
    ("retired", "张桂芳", ["resident", "volunteer"], "退出的老志愿者（年龄），可申请优先回馈"),
    ("coordinator", "赵敏", ["coordinator"], "和平里社区服务站"),
    ("admin", "刘书记", ["admin"], "小区联合党委，管理所有社区"),
    ("nurse", "孙丽", ["resident", "volunteer"], "和平里社区志愿者，护士"),
    ("teacher", "周文", ["resident", "volunteer"], "和平里社区志愿者，退休教师"),
    ("applicant", "陈晓梅", ["resident", "volunteer"], "和平里社区居民，刚申请当志愿者，等服务站审核"),
    ("resident-b", "吴大爷", ["resident"], "幸福苑社区居民"),
    ("coordinator-b", "郑华", ["coordinator"], "幸福苑社区服务站"),
]

def demo_logins() -> list[dict]:
    return [
        {"handle": handle, "name": name, "roles": roles, "description": description}
        for handle, name, roles, description in DEMO_LOGINS
    ]


def _member(handle, name, **fields) -> Member:
    return Member.create(handle=handle, name=name, **fields)


def _volunteer(member, *, team_codes, intentions, specialties, occupation, availability):
    team_ids = [t.id for t in Team.select().where(Team.code.in_(team_codes))]
    return volunteers.register(
        member,
        {
            "occupation": occupation,
            "specialties": specialties,
            "team_ids": team_ids,
            "intentions": intentions,
            "availability": availability,
        },
    )


def _every(days, slots):
    return [{"weekday": d, "slot": s} for d in days for s in slots]


def load() -> bool:
    """Create the demo communities and people; False when they are already there."""
    if Member.select().where(Member.handle == "resident").exists():
        return False
    catalog.seed()
    with database.atomic():
        hpl = Community.get_or_none(Community.code == "HPL") or people.create_community(
            name="和平里社区", code="HPL", district="和平街道"
        )
        xfy = Community.get_or_none(Community.code == "XFY") or people.create_community(
            name="幸福苑社区", code="XFY", district="和平街道"
        )

        wang = _member("resident", "王秀兰", gender="女", birth_date=dt.date(1954, 3, 8), phone="13800000001")
        people.open_household(wang, community_id=hpl.id, name="王家", building="3号楼", unit="2单元", room="301", area="东区")
        grandpa = people.add_dependent(wang, wang.household, name="王德顺", relation="配偶", gender="男",
                                       birth_date=dt.date(1950, 6, 1))
        assert grandpa.openid is None

        li = _member("volunteer", "李建国", gender="男", birth_date=dt.date(1981, 5, 20), phone="13800000002")
        people.open_household(li, community_id=hpl.id, name="李家", building="3号楼", unit="1单元", room="202", area="东区")
        _volunteer(li, team_codes=["home_care"], intentions=["repairs", "hardship"], specialties="家电维修、水电",
                   occupation="电工", availability=_every(range(1, 8), ["evening"]) + _every([6, 7], ["morning", "afternoon"]))

        zhang = _member("retired", "张桂芳", gender="女", birth_date=dt.date(1959, 9, 1), phone="13800000003")
        people.open_household(zhang, community_id=hpl.id, name="张家", building="5号楼", unit="1单元", room="101", area="西区")
        retired = _volunteer(zhang, team_codes=["arts"], intentions=["culture_sports"], specialties="合唱",
                             occupation="退休会计", availability=[])

        sun = _member("nurse", "孙丽", gender="女", birth_date=dt.date(1988, 2, 14), phone="13800000006")
        people.open_household(sun, community_id=hpl.id, name="孙家", building="4号楼", unit="1单元", room="502", area="东区")
        _volunteer(sun, team_codes=["medical", "home_care"], intentions=["health_care", "hardship"], specialties="护理、量血压",
                   occupation="护士", availability=_every([1, 3, 5], ["afternoon", "evening"]))

        zhou = _member("teacher", "周文", gender="男", birth_date=dt.date(1962, 11, 3), phone="13800000007")
        people.open_household(zhou, community_id=hpl.id, name="周家", building="5号楼", unit="2单元", room="601", area="西区")
        _volunteer(zhou, team_codes=["arts"], intentions=["tutoring", "education"], specialties="数学辅导、书法",
                   occupation="退休教师", availability=_every(range(1, 6), ["morning", "afternoon"]))

        zhao = _member("coordinator", "赵敏", gender="女", phone="13800000004", roles="coordinator", community=hpl)
        admin = _member("admin", "刘书记", gender="男", phone="13800000005", roles="admin", community=hpl)

        wu = _member("resident-b", "吴大爷", gender="男", birth_date=dt.date(1948, 1, 1), phone="13800000008")
        people.open_household(wu, community_id=xfy.id, name="吴家", building="1号楼", unit="1单元", room="101")
        zheng = _member("coordinator-b", "郑华", gender="女", phone="13800000009", roles="coordinator", community=xfy)
        _signed_statement(xfy, wu, zheng)

        # They applied before the station's account existed; the coordinator approves them.
        for applicant in (li, zhang, sun, zhou):
            volunteers.review(zhao, volunteers.profile_of(applicant), decision="approve")
        volunteers.set_status(zhao, retired, status="retired", reason="age", note="年满60岁退出")
        # A new application waiting for the coordinator (志愿者审核), who is told it arrived.
        chen = _member("applicant", "陈晓梅", gender="女", birth_date=dt.date(1990, 7, 12), phone="13800000010")
        people.open_household(chen, community_id=hpl.id, name="陈家", building="6号楼", unit="1单元", room="402", area="西区")
        _volunteer(chen, team_codes=["home_care"], intentions=["hardship", "health_care"], specialties="陪老人聊天、读报",
                   occupation="社区医院药剂师", availability=_every([6, 7], ["morning", "afternoon"]))
        _honoured_quarter(zhang, li, sun, zhou, zhao)
        _activity(hpl, wang, grandpa, li, zhang, sun, zhou, zhao)
        _hardship_case(hpl, zhou, zhao)
        _promises(wang, grandpa, li, zhao)
        _ageing_community(xfy, wu)
        _providers(zhang, zhao, zheng)
        _station_desk(wang, grandpa, li, zhou, zhao)
        _sms(wang, grandpa, zhao)
        _exchange(hpl, xfy, li, wu, zhao, admin)
        _network_payback(wu, sun)
        _move(xfy, chen)
    return True


def _exchange(hpl, xfy, li, wu, zhao, admin) -> None:
    """通存通兑: the admin puts both communities into one network (和平街道); 李建国 of 和平里 names 吴家 of
    幸福苑 as his relatives, his station confirms, 吴大爷 confirms from his side (both households, across
    communities), and 李建国 gifts them an hour through the clearing accounts."""
    from server.models import Household
    from server.services.ledger import ledger_ops, networks

    networks.create(admin, name="和平街道通存通兑", kind="街道", community_ids=[hpl.id, xfy.id],
                    limits=[{"community_id": hpl.id, "limit_minutes": 50 * 60},
                            {"community_id": xfy.id, "limit_minutes": 50 * 60}])
    ledger_ops.adjust(zhao, Household.get_by_id(li.household_id), minutes=5 * 60, reason="纸质爱心存折转入",
                      key="demo:li:paper-passbook")
    kinship = ledger_ops.request_kinship(li, invite_code=Household.get_by_id(wu.household_id).invite_code, relation="父亲")
    ledger_ops.confirm_kinship(zhao, kinship)
    ledger_ops.accept_kinship(wu, kinship)
    ledger_ops.gift(li, to_household_id=wu.household_id, minutes=60, note="给岳父家，天冷了请人帮忙打扫",
                    key="demo:li:gift-to-wu")


def _network_payback(wu, sun) -> None:
    """通存通兑 priority payback: 吴大爷 of 幸福苑 asks for company to the clinic earlier today and opens it to the
    network (也请邻近社区的志愿者帮忙); 孙丽, a nurse volunteering in 和平里, claims it, serves an hour and 吴大爷
    confirms: she is credited in 和平里, his hold posts in 幸福苑, and the hour crosses through both clearing
    accounts (each passbook line names the other community; both stations see the record)."""
    from server import clock
    from server.models import Task
    from server.services.board import bookings, records, tasks

    now = clock.now().replace(second=0, microsecond=0)
    start = max(now.replace(hour=0, minute=0) + dt.timedelta(minutes=30), now - dt.timedelta(hours=4))
    window = start + dt.timedelta(minutes=30)
    with clock.at(start):
        request = bookings.open_payback(wu, {
            "category_code": "health_care", "item_code": "escort", "description": "去社区医院量血压、取药，想请人陪着",
            "window_start": window, "window_end": window + dt.timedelta(hours=2), "estimated_minutes": 90,
            "urgency": "normal", "open_to_network": True})
    task = Task.get(Task.request == request.id)
    with clock.at(start + dt.timedelta(minutes=10)):
        tasks.claim(sun, task)
    with clock.at(window):
        tasks.check_in(sun, Task.get_by_id(task.id))
    with clock.at(window + dt.timedelta(minutes=60)):
        _, record = tasks.check_out(sun, Task.get_by_id(task.id))
    with clock.at(window + dt.timedelta(minutes=75)):
        records.confirm(wu, record, rating=5, comment="孙护士很细心，谢谢和平里的志愿者")


def _move(xfy, chen) -> None:
    """迁移: 陈家 asks to move to 幸福苑 (same network); 幸福苑's station (郑华) has it waiting to accept or reject."""
    from server.models import Household
    from server.services.ledger import moves

    moves.request(chen, Household.get_by_id(chen.household_id), to_community_id=xfy.id, reason="搬去幸福苑和父母同住，方便照顾")


def _promises(wang, grandpa, li, zhao) -> None:
    """回报有保障: 王秀兰 asks for her husband and names 李建国, who repaired for them (指定服务人: only he is
    asked for the first hours); her own request for this evening has nobody yet, so its promise is at risk
    and the station's desk shows it with the assign button."""
    from server import clock
    from server.models import Household
    from server.services.board import bookings
    from server.services.ledger import ledger_ops

    ledger_ops.adjust(zhao, Household.get_by_id(wang.household_id), minutes=8 * 60,
                      reason="纸质爱心存折转入（王德顺历年服务）", key="demo:wang:paper-passbook")
    now = clock.now().replace(minute=0, second=0, microsecond=0)
    in_three_days = (now + dt.timedelta(days=3)).replace(hour=9)
    bookings.open_payback(wang, {
        "category_code": "repairs", "item_code": "household_repair", "description": "老伴房间的暖气片漏水，想请李师傅来看看",
        "window_start": in_three_days, "window_end": in_three_days + dt.timedelta(hours=3), "estimated_minutes": 60,
        "urgency": "normal", "for_member_id": grandpa.id, "preferred_volunteer_id": li.id})
    soon = now + dt.timedelta(hours=8)
    bookings.open_payback(wang, {
        "category_code": "hardship", "item_code": "companionship", "description": "腿脚不便，想请人陪着去菜场买菜",
        "window_start": soon, "window_end": soon + dt.timedelta(hours=2), "estimated_minutes": 60, "urgency": "normal"})


def _ageing_community(xfy, wu) -> None:
    """兑付能力预警: 幸福苑 has elders with paper passbooks brought over, more turning 60 in the next years,
    and one young volunteer; its outlook is red and tells the station whom to recruit."""
    from server.models import Household
    from server.services.board import records
    from server.services.ledger import ledger_ops

    zheng = Member.get(Member.handle == "coordinator-b")
    elders = [(wu, 30)]
    for name, gender, born, room, hours in (("许秀珍", "女", dt.date(1944, 2, 12), "102", 20),
                                            ("冯桂兰", "女", dt.date(1963, 10, 5), "201", 15),
                                            ("何长青", "男", dt.date(1967, 4, 18), "202", 25),
                                            ("马建华", "男", dt.date(1969, 8, 30), "301", 35)):
        elder = Member.create(name=name, gender=gender, birth_date=born)
        people.open_household(elder, community_id=xfy.id, name=f"{name[0]}家", building="1号楼", unit="1单元", room=room)
        elders.append((Member.get_by_id(elder.id), hours))
    for elder, hours in elders:
        ledger_ops.adjust(zheng, Household.get_by_id(elder.household_id), minutes=hours * 60,
                          reason="纸质爱心存折转入", key=f"demo:xfy:{elder.id}:paper-passbook")
    yang = Member.create(name="杨帆", gender="男", birth_date=dt.date(1995, 3, 9), phone="13800000011")
    people.open_household(yang, community_id=xfy.id, name="杨家", building="2号楼", unit="1单元", room="501")
    _volunteer(yang, team_codes=[], intentions=["repairs"], specialties="水电维修", occupation="快递员",
               availability=_every([6, 7], ["morning"]))
    yang = Member.get_by_id(yang.id)
    volunteers.review(zheng, volunteers.profile_of(yang), decision="approve")
    from server import clock

    now = clock.now().replace(minute=0, second=0, microsecond=0)
    for days_ago, content in ((5, "修理水管"), (2, "更换门锁")):
        start = (now - dt.timedelta(days=days_ago)).replace(hour=9)
        record = records.report(yang, {
            "category_code": "repairs", "item_code": "household_repair", "place": "1号楼1单元101",
            "started_at": start, "ended_at": start + dt.timedelta(hours=2), "content": content,
            "witness_member_id": wu.id, "recipient_member_id": wu.id})
        records.confirm(wu, record, rating=5)


def _providers(zhang, zhao, zheng) -> None:
    """签约服务机构: one in each community. 张桂芳 (retired for age) asked for help cleaning her windows
    the day after tomorrow; nobody has taken it, so the station assigned its provider, who has not come yet."""
    from server import clock
    from server.models import Task
    from server.services.board import assignment, bookings, providers

    ids = {code: catalog.category_id(code) for code in ("hardship", "health_care", "repairs", "environment")}
    anjia = providers.create(zhao, {"name": "安家居家养老服务中心", "contact_name": "何经理", "phone": "13900001111",
                                    "category_ids": [ids["hardship"], ids["health_care"], ids["repairs"]]})
    providers.create(zheng, {"name": "幸福苑社工服务站", "contact_name": "钱社工", "phone": "13900002222",
                             "category_ids": [ids["hardship"], ids["environment"]]})
    start = (clock.now() + dt.timedelta(days=2)).replace(hour=9, minute=0, second=0, microsecond=0)
    request = bookings.open_payback(zhang, {
        "category_code": "hardship", "item_code": "errands", "description": "腰不好，请人帮忙擦窗户、换季收拾衣物",
        "window_start": start, "window_end": start + dt.timedelta(hours=3), "estimated_minutes": 120,
        "urgency": "normal"})
    assignment.assign(zhao, Task.get(Task.request == request.id), provider_id=anjia.id, note="周边志愿者都没空，请机构上门")


def _station_desk(wang, grandpa, li, zhou, zhao) -> None:
    """The station's desk (docs/station.md): a code card for 王家 (王德顺 has no phone), a counter entry from a
    paper form with the signature held at the station, one waiting for a code, and two corrections — one
    posted, one waiting for a second coordinator (刘书记, the admin, may approve it; 赵敏 asked, so she may not).

    The card's codes are not kept anywhere (only their HMACs): a tester who wants codes issues a new card as
    赵敏 (`POST /api/v1/households/{王家}/code-cards`), whose answer lists them once."""
    from server import clock
    from server.models import Household, Member, ServiceRecord
    from server.services.board import code_cards, corrections, counter

    code_cards.issue(zhao, Household.get_by_id(wang.household_id))
    qian = Member.get(Member.name == "钱凤英")
    now = clock.now().replace(minute=0, second=0, microsecond=0)
    two_days_ago = (now - dt.timedelta(days=2)).replace(hour=14)
    counter.enter(zhao, {
        "volunteer_member_id": zhou.id, "category_code": "hardship", "item_code": "companionship",
        "place": "6号楼2单元101", "started_at": two_days_ago, "ended_at": two_days_ago + dt.timedelta(minutes=90),
        "content": "陪钱凤英老人聊天、读报（纸质服务记录单）", "witness_member_id": qian.id,
        "recipient_member_id": qian.id, "paper_signature": True})
    counter.enter(zhao, {
        "volunteer_member_id": li.id, "category_code": "repairs", "item_code": "appliance_repair",
        "place": "3号楼2单元301", "started_at": two_days_ago, "ended_at": two_days_ago + dt.timedelta(minutes=60),
        "content": "修理收音机（柜台登记，请王德顺老人念见证码确认）", "witness_member_id": grandpa.id,
        "recipient_member_id": grandpa.id})
    credited = list(ServiceRecord.select().where(ServiceRecord.volunteer == li.id, ServiceRecord.status == "credited",
                                                 ServiceRecord.source == "self_report").order_by(ServiceRecord.started_at))
    first, second = credited[0], credited[1]
    corrections.request(zhao, first, started_at=first.started_at, ended_at=first.ended_at + dt.timedelta(minutes=40),
                        reason="签退晚按了，纸质记录单写到11点40分")
    corrections.request(zhao, second, started_at=second.started_at, ended_at=second.started_at + dt.timedelta(hours=3),
                        reason="王秀兰来电说修了三个小时")
def _sms(wang, grandpa, zhao) -> None:
    """短信提醒: 王德顺 has a 老年机 and no WeChat; the station recorded his paper consent at the counter, so
    his witness requests come as texts with a code to read to the volunteer (when SMS_ENABLED is on), and
    王秀兰 turned texts on for herself in the app, for when WeChat cannot reach her."""
    from server.services.people import sms_consent

    sms_consent.record(zhao, grandpa, via="counter", phone="13700000011", form_ref="HPL-DX-001")
    sms_consent.record(wang, wang, via="app")


def _signed_statement(xfy, wu, zheng) -> None:
    """Last month 吴家 brought their paper passbook over (10 hours); the station closed the month, so 吴家
    has a signed statement (GET /statements/{id}/signed, its PDF's QR code) another bank could import. 郑华
    printed 吴家's passbook at the station afterwards (docs/station.md, "Printed passbook"): the next printout
    (GET /households/{吴家}/passbook.pdf) goes on after that line, and a reprint of last month carries the signed
    statement in its QR code."""
    from server import clock
    from server.models import Household
    from server.services.ledger import ledger_ops, statements
    from server.services.oversight import passbook_pdf

    year, month = statements.previous_month(clock.today())
    with clock.at(dt.datetime(year, month, 20, 10, 0)):
        ledger_ops.adjust(zheng, Household.get_by_id(wu.household_id), minutes=10 * 60, reason="纸质爱心存折转入",
                          key="demo:wu:paper-passbook")
    statements.close_community_month(xfy.id, year, month)
    passbook_pdf.printout(zheng, Household.get_by_id(wu.household_id))


def _hardship_case(hpl, zhou, zhao) -> None:
    """兜底对象: 钱凤英, 58, lives alone without a phone; the station marked her 孤寡 and granted her love-pool
    hours, which she may redeem though she is under the payback age (the coordinator opens her requests)."""
    from server.models import Household
    from server.services.ledger import ledger_ops
    from server.services.people import hardship

    qian = Member.create(name="钱凤英", gender="女", birth_date=dt.date(1968, 4, 2))
    people.open_household(qian, community_id=hpl.id, name="钱家", building="6号楼", unit="2单元", room="101", area="西区")
    ledger_ops.donate(zhou, minutes=6 * 60, note="捐给社区有困难的老人", key="demo:zhou:donation")
    hardship.mark(zhao, Member.get_by_id(qian.id), reason="孤寡", note="独居，无子女，行动不便")
    ledger_ops.grant(zhao, Household.get_by_id(qian.household_id), minutes=4 * 60, reason="孤寡老人帮扶",
                     key="demo:qian:grant")


def _activity(hpl, wang, grandpa, li, zhang, sun, zhou, zhao) -> None:
    """Banked hours, credited services, open requests, an active agreement and the next 16th's activity."""
    from server import clock
    from server.models import Household
    from server.services.board import agreements, bookings, events, records
    from server.services.ledger import ledger_ops

    ledger_ops.adjust(zhao, Household.get_by_id(zhou.household_id), minutes=12 * 60,
                      reason="纸质爱心存折转入", key="demo:zhou:paper-passbook")
    now = clock.now().replace(minute=0, second=0, microsecond=0)
    for days_ago, hours, content in ((6, 2, "修理洗衣机排水"), (3, 1, "更换厨房灯泡"), (1, 2, "检修电视机信号")):
        start = (now - dt.timedelta(days=days_ago)).replace(hour=9)
        record = records.report(li, {
            "category_code": "repairs", "item_code": "appliance_repair", "place": "3号楼2单元301",
            "started_at": start, "ended_at": start + dt.timedelta(hours=hours), "content": content,
            "witness_member_id": wang.id, "recipient_member_id": wang.id})
        if days_ago > 1:
            records.confirm(wang, record, rating=5, comment="李师傅修得又快又好")
    tomorrow = (now + dt.timedelta(days=1)).replace(hour=9)
    bookings.book(wang, {"category_code": "health_care", "item_code": "escort", "description": "老伴要去社区医院复查血压，需要有人陪同",
                         "window_start": tomorrow, "window_end": tomorrow + dt.timedelta(hours=3),
                         "estimated_minutes": 120, "urgency": "normal", "for_member_id": grandpa.id})
    bookings.book(wang, {"category_code": "repairs", "item_code": "household_repair", "description": "卫生间水龙头一直滴水",
                         "window_start": now + dt.timedelta(hours=2), "window_end": now + dt.timedelta(hours=6),
                         "estimated_minutes": 60, "urgency": "urgent"})
    recipient_file = agreements.open_file(zhao, {
        "member_id": grandpa.id, "needs": "行动不便，需要每周上门陪伴、帮助打扫", "risks": "高血压，独自在家时间长",
        "emergency_contact_name": "王秀兰", "emergency_contact_phone": "13800000001", "consent_date": clock.today()})
    agreement = agreements.draft(zhao, {
        "recipient_file_id": recipient_file.id, "category_code": "hardship", "item_codes": ["companionship"],
        "content": "每周二、周五上午上门陪伴聊天、量血压、打扫卫生", "place": "3号楼2单元301",
        "schedule": [{"weekday": 2, "start": "09:00", "minutes": 90}, {"weekday": 5, "start": "09:00", "minutes": 90}],
        "start_date": clock.today(), "end_date": clock.today() + dt.timedelta(days=180), "volunteer_member_ids": [sun.id]})
    for signer in (wang, sun, zhao):  # 王秀兰 signs as guardian for her husband
        agreements.sign(signer, agreement)
    agreements.generate_occurrences()
    sixteenth = clock.today().replace(day=16)
    if sixteenth <= clock.today():
        sixteenth = (sixteenth.replace(day=1) + dt.timedelta(days=32)).replace(day=16)
    events.create(zhao, {"title": "每月16日集中服务：楼道清洁与义诊", "starts_at": dt.datetime.combine(sixteenth, dt.time(9)),
                         "place": "和平里社区广场", "category_codes": ["environment", "health_care"], "capacity": 20,
                         "planned_minutes": 120, "description": "清理楼道杂物，社区医生现场量血压"})


def _honoured_quarter(zhang, li, sun, zhou, zhao) -> None:
    """The last quarter that ended, as it happened: 张桂芳 brought her paper passbook's 40 hours at its start
    and opened five payback requests; three were claimed within the promise, one late, and one expired
    unclaimed — 兑付率 60.0% on the desk's quarter switcher, the notice and the half-year report."""
    from server import clock
    from server.models import Household, Task
    from server.services.board import bookings, records, tasks
    from server.services.ledger import ledger_ops
    from server.services.oversight import periods

    start = dt.datetime.combine(periods.quarter_bounds(*periods.last_ended_quarter())[0], dt.time())

    def day(days, hour, minute=0):
        return start + dt.timedelta(days=days, hours=hour, minutes=minute)

    with clock.at(day(1, 10)):
        ledger_ops.adjust(zhao, Household.get_by_id(zhang.household_id), minutes=40 * 60,
                          reason="纸质爱心存折转入（2015–2024年服务）", key="demo:zhang:paper-passbook")
    # (opened, window start, the volunteer and when they claimed, minutes served; None: nobody came)
    for opened, window, volunteer, claimed, minutes, what in (
        (day(5, 9), day(6, 9), li, day(5, 19), 90, ("repairs", "appliance_repair", "洗衣机不脱水，请帮忙看看")),
        (day(20, 9), day(24, 14), sun, day(23, 19), 60, ("health_care", "escort", "去社区医院复查，需要人陪同")),
        (day(40, 9), day(41, 15), zhou, day(40, 11), 60, ("repairs", "household_repair", "阳台晾衣架坏了")),
        (day(60, 9), day(61, 9), None, None, 0, ("health_care", "escort", "去医院取药，需要人陪同")),
        (day(70, 9), day(71, 10), li, day(70, 20), 60, ("repairs", "household_repair", "厨房水龙头漏水")),
    ):
        with clock.at(opened):
            request = bookings.open_payback(zhang, {
                "category_code": what[0], "item_code": what[1], "description": what[2], "window_start": window,
                "window_end": window + dt.timedelta(hours=3), "estimated_minutes": 90, "urgency": "normal"})
        task = Task.get(Task.request == request.id)
        if volunteer is None:
            with clock.at(window + dt.timedelta(hours=4)):
                tasks.expire_overdue()
            continue
        with clock.at(claimed):
            tasks.claim(volunteer, task)
        with clock.at(window):
            tasks.check_in(volunteer, Task.get_by_id(task.id))
        with clock.at(window + dt.timedelta(minutes=minutes)):
            _, record = tasks.check_out(volunteer, Task.get_by_id(task.id))
        with clock.at(window + dt.timedelta(minutes=minutes + 30)):
            records.confirm(zhang, record, rating=5, comment="谢谢志愿者")
