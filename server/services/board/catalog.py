"""The service menu and teams: seeded from the source plan, read by everyone."""

from server.db import database
from server.models import ServiceCategory, ServiceItem, Team, TeamCategory

# The eight service categories (小区生活服务) and the items the source lists under each.
CATEGORIES = [
    ("repairs", "义务维修", "电器、电脑维修和小区公益劳动", [
        ("appliance_repair", "家电维修"), ("computer_repair", "电脑维修"),
        ("household_repair", "居家小修"), ("public_labour", "小区公益劳动"),
    ]),
    ("tutoring", "义务家教", "为在校学生，尤其下岗职工和特困家庭子女、留守儿童义务辅导", [
        ("homework_help", "课业辅导"), ("left_behind_children", "留守儿童辅导"),
    ]),
    ("legal_patrol", "法律援助与治安", "法律咨询援助，配合警务室夜间、节假日巡查", [
        ("legal_advice", "法律咨询"), ("night_patrol", "夜间巡查"),
        ("holiday_patrol", "节假日巡查"), ("duty_patrol", "值班巡查"),
    ]),
    ("health_care", "医疗保健", "为老年人等提供义诊、保健讲座、陪同、护理", [
        ("free_clinic", "义诊"), ("health_consult", "健康咨询"), ("health_lecture", "保健讲座"),
        ("escort", "陪同就医"), ("nursing", "护理照料"),
    ]),
    ("hardship", "帮困", "为特殊人员提供家教、精神抚慰、助残等接力帮扶", [
        ("free_tutoring", "无偿家教"), ("companionship", "精神抚慰（陪伴聊天）"),
        ("disability_help", "帮助残疾人解决生活困难"), ("one_to_one", "一对一帮扶"),
        ("errands", "代办跑腿"),
    ]),
    ("education", "小区教育", "依托居民学校、读书室开展学习活动", [
        ("science_forum", "青少年科技论坛"), ("internet_training", "网络知识培训"),
        ("after_school", "小区托教"), ("interest_group", "青少年兴趣小组"), ("english_corner", "英语角"),
    ]),
    ("culture_sports", "文体", "广场、家庭、楼道文化和各类体育活动", [
        ("square_culture", "广场文化"), ("family_culture", "家庭文化"), ("corridor_culture", "楼道文化"),
        ("arts_show", "文艺演出"), ("sports", "体育活动"),
    ]),
    ("environment", "环境保护", "环保宣传、植绿护绿、清除白色垃圾、垃圾分类", [
        ("eco_publicity", "环保宣传"), ("greening", "植绿护绿（绿化养护）"),
        ("litter_cleanup", "清除白色垃圾"), ("waste_sorting", "垃圾分类"), ("sanitation", "环境卫生"),
    ]),
]

# The six teams the community already had, and the categories each serves.
TEAMS = [
    ("medical", "医疗健康服务队", ["health_care"]),
    ("policy_law", "政策法律服务队", ["legal_patrol"]),
    ("home_care", "居家养老服务队", ["hardship", "health_care", "repairs"]),
    ("mediation", "纠纷调解服务队", ["legal_patrol", "hardship"]),
    ("security", "治安联防服务队", ["legal_patrol", "environment"]),
    ("arts", "业余文艺服务队", ["culture_sports", "education"]),
]


# The menu changes only when seeded: names and codes are read once per process (and again
# when an unknown id or code turns up, e.g. after seeding another database in tests).
_categories: dict[int, tuple[str, str]] = {}
_items: dict[int, str] = {}


def _category(category_id: int) -> tuple[str, str]:
    if category_id not in _categories:
        _categories.update({cid: (code, name) for cid, code, name in
                            ServiceCategory.select(ServiceCategory.id, ServiceCategory.code, ServiceCategory.name).tuples()})
    return _categories[category_id]


def category_name(category_id: int) -> str:
    return _category(category_id)[1]


def category_code(category_id: int) -> str:
    return _category(category_id)[0]


def category_id(code: str) -> int | None:
    for cid, (known, _name) in _categories.items():
        if known == code:
            return cid
    row = ServiceCategory.get_or_none(ServiceCategory.code == code)
    if row is not None:
        _categories[row.id] = (row.code, row.name)
    return row.id if row else None


def item_name(item_id: int) -> str:
    if item_id not in _items:
        _items.update(ServiceItem.select(ServiceItem.id, ServiceItem.name).tuples())
    return _items[item_id]


def category_and_item(category_code: str, item_code: str | None):
    """The menu entries a body names, or 422 naming `category_code` / `item_code`."""
    from server.errors import RuleBroken

    category = ServiceCategory.get_or_none(ServiceCategory.code == category_code)
    if category is None:
        raise RuleBroken("请从服务菜单里选择服务类别", field="category_code", rule="unknown_category")
    item = None
    if item_code:
        item = ServiceItem.get_or_none(ServiceItem.code == item_code, ServiceItem.category == category)
        if item is None:
            raise RuleBroken("这个服务项目不属于所选类别", field="item_code", rule="unknown_item")
    return category, item


def seed() -> None:
    """Insert the seeded categories, items and teams; safe to run again (keyed by code)."""
    with database.atomic():
        for order, (code, name, description, items) in enumerate(CATEGORIES, start=1):
            category, _ = ServiceCategory.get_or_create(
                code=code, defaults={"name": name, "description": description, "sort_order": order}
            )
            for item_order, (item_code, item_name) in enumerate(items, start=1):
                ServiceItem.get_or_create(
                    code=item_code,
                    defaults={"category": category, "name": item_name, "sort_order": item_order},
                )
        categories = {c.code: c for c in ServiceCategory.select()}
        for code, name, serves in TEAMS:
            team, _ = Team.get_or_create(code=code, defaults={"name": name, "community": None})
            for category_code in serves:
                TeamCategory.get_or_create(team=team, category=categories[category_code])


def menu(community_id: int | None) -> dict:
    """Categories with their active items, and the teams a member of `community_id` sees."""
    categories = list(ServiceCategory.select().order_by(ServiceCategory.sort_order))
    items = {}
    for item in ServiceItem.select().where(ServiceItem.active).order_by(ServiceItem.sort_order):
        items.setdefault(item.category_id, []).append(item)
    serves = {}
    for link in TeamCategory.select(TeamCategory.team, TeamCategory.category):
        serves.setdefault(link.team_id, []).append(link.category_id)
    code_of = {c.id: c.code for c in categories}
    return {
        "categories": [
            {
                "id": c.id,
                "code": c.code,
                "name": c.name,
                "description": c.description,
                "items": [{"id": i.id, "code": i.code, "name": i.name} for i in items.get(c.id, [])],
            }
            for c in categories
        ],
        "teams": [
            {
                "id": t.id,
                "code": t.code,
                "name": t.name,
                "description": t.description,
                "community_id": t.community_id,
                "categories": [code_of[cid] for cid in serves.get(t.id, [])],
            }
            for t in visible_teams(community_id)
        ],
    }


def visible_teams(community_id: int | None):
    query = Team.select().order_by(Team.id)
    if community_id is None:
        return query.where(Team.community.is_null())
    return query.where(Team.community.is_null() | (Team.community == community_id))


def teams(community_id: int | None) -> list[dict]:
    """The teams a member of `community_id` sees: the seeded ones and the community's own."""
    return menu(community_id)["teams"]


def team_view(community_id: int | None, team_id: int) -> dict:
    """One team as the team list shows it to a member of `community_id`."""
    return next(team for team in teams(community_id) if team["id"] == team_id)
