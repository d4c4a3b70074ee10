"""The scenario the coordinator-operations fixtures (test/fixtures/{stars,notices,audits,kin}.json) were captured from.

On top of the demo data: a served third quarter of 2026 (李建国 repairs, 孙丽 escorts, 周文 tutoring,
witnessed by 王秀兰 and 张桂芳), star applications, the quarter's public notice with an objection,
the quarterly audit with one visit done, a confirmed kinship (李家 → 王家) and an approved award with
its certificate; then, at today's time, 周文 applies and the awards notice opens its objection window.

    DATABASE_URL=sqlite:////tmp/mp3-dev.db .venv/bin/lovebank migrate
    DATABASE_URL=sqlite:////tmp/mp3-dev.db .venv/bin/lovebank seed-demo
    DATABASE_URL=sqlite:////tmp/mp3-dev.db PYTHONPATH=. .venv/bin/python miniprogram/tools/coordinator_scenario.py
    DATABASE_URL=sqlite:////tmp/mp3-dev.db PORT=8031 .venv/bin/python -m server.run   # then read the API

Run it once, on a fresh database, before the server's cron has closed any month of the quarter.
"""

import datetime as dt

from workers import bootstrap

bootstrap.settings()

from server import clock  # noqa: E402
from server.models import AuditVisit, Household, Member, ServiceCategory, ServiceItem, StarAward  # noqa: E402
from server.services import audits, ledger_ops, notices, records, stars  # noqa: E402


def member(handle: str) -> Member:
    return Member.get(Member.handle == handle)


def served(volunteer: Member, witness: Member, month: int, day: int, hours: float, start_hour: int = 9, **fields) -> None:
    """A self-reported service, reported that evening and confirmed by its witness."""
    start = dt.datetime(2026, month, day, start_hour, 0)
    end = start + dt.timedelta(hours=hours)
    clock.freeze(end + dt.timedelta(minutes=30))
    body = {"category_code": "repairs", "item_code": "appliance_repair", "place": "3号楼2单元301",
            "started_at": start, "ended_at": end, "content": "修理家电",
            "witness_member_id": witness.id, "recipient_member_id": witness.id}
    body.update(fields)
    record = records.report(member(volunteer.handle), body)
    clock.freeze(end + dt.timedelta(minutes=45))
    records.confirm(member(witness.handle), record, rating=5)


def main() -> None:
    wang, li, zhang, zhao = member("resident"), member("volunteer"), member("retired"), member("coordinator")
    sun, zhou = member("nurse"), member("teacher")
    jobs = ["修理洗衣机", "更换水龙头", "检修电路", "修理电饭煲", "安装灯具", "疏通下水道"]
    for i in range(18):
        witness = wang if i % 2 == 0 else zhang
        served(li, witness, 7 + i // 6, 3 + (i % 6) * 4, 2, content=jobs[i % 6],
               place="3号楼2单元301" if witness is wang else "5号楼1单元101")
    for i in range(8):
        served(sun, zhang, 7 + i // 3, 5 + (i % 3) * 7, 1.5, start_hour=14, category_code="health_care",
               item_code="escort", content="陪同去社区医院复查", place="5号楼1单元101")
    tutoring = ServiceItem.select().join(ServiceCategory).where(ServiceCategory.code == "tutoring").first()
    for i in range(6):
        served(zhou, wang, 8, 2 + i * 4, 2, start_hour=15, category_code="tutoring", item_code=tutoring.code,
               content="辅导孙子数学")
    served(li, zhang, 9, 27, 5, start_hour=8, content="整修厨房电路", place="5号楼1单元101")  # over 4 hours: flagged

    clock.freeze(dt.datetime(2026, 9, 28, 10, 0))
    stars.apply(member("volunteer"))
    stars.apply(member("nurse"))

    clock.freeze(dt.datetime(2026, 10, 1, 10, 0))
    kinship = ledger_ops.request_kinship(member("volunteer"), relation="母亲",
                                         invite_code=Household.get_by_id(wang.household_id).invite_code)
    ledger_ops.confirm_kinship(member("coordinator"), kinship)

    clock.freeze(dt.datetime(2026, 10, 2, 9, 0))
    notice = notices.publish_quarterly(member("coordinator"), li.community, 2026, 3)
    audit = audits.run(member("coordinator"), li.community, 2026, 3, seed="5eed2026", sample_size=6)

    clock.freeze(dt.datetime(2026, 10, 5, 15, 0))
    notices.object_to(member("resident"), notice, award_id=StarAward.get(StarAward.member == sun.id).id,
                      reason="8月那次陪同就医，我记得只去了半个小时，请服务站核实")

    clock.freeze(dt.datetime(2026, 10, 10, 10, 0))
    first = AuditVisit.select().where(AuditVisit.audit == audit.id).order_by(AuditVisit.draw_order).first()
    audits.record_outcome(member("coordinator"), first, outcome="confirmed", notes="电话回访，服务对象说服务属实，很满意",
                          method="phone")

    clock.freeze(dt.datetime(2026, 10, 12, 10, 0))
    stars.approve(member("coordinator"), StarAward.get(StarAward.member == li.id, StarAward.status == "proposed"))

    clock.freeze(None)
    stars.apply(member("teacher"))
    notices.publish_awards(member("coordinator"), li.community)
    print(f"notice {notice.id}, audit {audit.id}, kinship {kinship.id}, zhao {zhao.id}")


if __name__ == "__main__":
    main()
