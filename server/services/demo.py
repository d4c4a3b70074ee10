"""Demo data for `make run` and the development login: two communities and their people.

Loaded once (skipped when the demo handles exist), always through the same services
the API uses, so demo rows obey every rule real ones do.
"""

import datetime as dt

from server.db import database
from server.models import Community, Member, Team
from server.services import catalog, people, volunteers

DEMO_LOGINS = [
    ("resident", "王秀兰", ["resident"], "和平里社区居民，72岁，王家户主"),
    ("volunteer", "李建国", ["resident", "volunteer"], "和平里社区志愿者，会修家电"),
    ("retired", "张桂芳", ["resident", "volunteer"], "退出的老志愿者（年龄），可申请优先回馈"),
    ("coordinator", "赵敏", ["coordinator"], "和平里社区服务站"),
    ("admin", "刘书记", ["admin"], "小区联合党委，管理所有社区"),
    ("nurse", "孙丽", ["resident", "volunteer"], "和平里社区志愿者，护士"),
    ("teacher", "周文", ["resident", "volunteer"], "和平里社区志愿者，退休教师"),
    ("resident-b", "吴大爷", ["resident"], "幸福苑社区居民"),
    ("coordinator-b", "郑华", ["coordinator"], "幸福苑社区服务站"),
]

_loaded_hooks = []


def on_demo_loaded(hook) -> None:
    """Other areas add their demo rows (banked hours, open tasks ...) after the people."""
    _loaded_hooks.append(hook)


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
        _member("admin", "刘书记", gender="男", phone="13800000005", roles="admin", community=hpl)

        wu = _member("resident-b", "吴大爷", gender="男", birth_date=dt.date(1948, 1, 1), phone="13800000008")
        people.open_household(wu, community_id=xfy.id, name="吴家", building="1号楼", unit="1单元", room="101")
        _member("coordinator-b", "郑华", gender="女", phone="13800000009", roles="coordinator", community=xfy)

        volunteers.set_status(zhao, retired, status="retired", reason="age", note="年满60岁退出")
        for hook in _loaded_hooks:
            hook()
    return True
