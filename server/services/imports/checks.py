"""The preview of an import: every row's problems (Excel row, column, reason in Chinese), what a commit
would create, and the rows as the commit will post them.

Everything a row is checked against is read once per sheet (households by address, members by phone,
volunteers, teams, the service menu, opening balances already posted, the volunteers' services on the
sheet's days), never one query per row: 10,000 rows preview in a few seconds. Commit runs the same
checks again inside its transaction, so what changed since the preview is caught there too.
"""

import datetime as dt
import functools
import re
from collections import defaultdict, namedtuple
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from server import clock, runtime
from server.errors import LoveBankError
from server.models import (
    Household,
    Member,
    ServiceCategory,
    ServiceItem,
    ServiceRecord,
    Transfer,
    Volunteer,
)
from server.models.people import RELATIONS
from server.services.board import catalog, records
from server.services.people import date_bounds

_MOBILE = re.compile(r"1\d{10}")
_PHONE = re.compile(r"[0-9-]{7,20}")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")
_TIME = re.compile(r"(\d{1,2})\s*[:：点]\s*(\d{1,2})?\s*分?(?::\d{2})?")
_SEPARATORS = re.compile(r"[、,，;；/]")
_ADDRESS_SUFFIX = re.compile(r"(号楼|栋|幢|单元|室|号)$")
MAX_OPENING_HOURS = 10_000  # more is a slip of the keyboard, not a paper passbook


@dataclass
class Checked:
    problems: list = field(default_factory=list)  # [{"row", "column", "reason"}]
    plan: dict = field(default_factory=dict)  # what commit would create
    items: list = field(default_factory=list)  # the rows as posting takes them (only when no problems)
    bad_rows: set = field(default_factory=set)

    def bad(self, row: int, column: str, reason: str) -> None:
        self.problems.append({"row": row, "column": column, "reason": reason})
        self.bad_rows.add(row)


# --- cells -----------------------------------------------------------------------------


def mobile(text: str) -> str | None:
    digits = re.sub(r"[\s-]", "", text).removeprefix("+86")
    return digits if _MOBILE.fullmatch(digits) else None


def any_phone(text: str) -> str | None:
    digits = re.sub(r"\s", "", text).removeprefix("+86")
    return digits if _PHONE.fullmatch(digits) else None


def day(text: str) -> dt.date | None:
    match = _DATE.fullmatch(text.strip())
    if not match:
        return None
    try:
        return dt.date(*map(int, match.groups()))
    except ValueError:
        return None


def time_of_day(text: str) -> dt.time | None:
    text = text.strip()
    if " " in text and day(text.split()[0]):  # an Excel date-time in a time column: its time
        text = text.split()[-1]
    match = _TIME.fullmatch(text)
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    return dt.time(hour, minute) if hour < 24 and minute < 60 else None


@functools.lru_cache(maxsize=2**16)
def address_key(building: str, unit: str, room: str) -> tuple[str, str, str]:
    """An address compared loosely: spaces and the words 栋/单元/室 do not tell two addresses apart."""
    return tuple(_ADDRESS_SUFFIX.sub("", "".join(part.split())) for part in (building, unit, room))


def address_label(cells: dict, prefix: str = "") -> str:
    return "".join(cells.get(prefix + name, "") for name in ("楼栋", "单元", "房号"))


def _rule_reason(check, *args) -> str | None:
    """A shared rule's refusal (date bounds …) as a problem's reason, or None when it passes."""
    try:
        check(*args)
    except LoveBankError as error:
        return error.message
    return None


def _date_cell(checked: Checked, row: int, column: str, text: str, *, required: bool) -> dt.date | None:
    if not text:
        if required:
            checked.bad(row, column, "必须填写")
        return None
    value = day(text)
    if value is None:
        checked.bad(row, column, f"“{text}”不是日期，请写成 2024-05-20 这样")
    return value


def _required(checked: Checked, row: int, cells: dict, column: str, max_length: int) -> str:
    text = cells.get(column, "")
    if not text:
        checked.bad(row, column, "必须填写")
    elif len(text) > max_length:
        checked.bad(row, column, f"太长了，最多{max_length}个字")
    return text


def _optional(checked: Checked, row: int, cells: dict, column: str, max_length: int) -> str:
    text = cells.get(column, "")
    if len(text) > max_length:
        checked.bad(row, column, f"太长了，最多{max_length}个字")
    return text


# --- what the community holds, read once --------------------------------------------------


Place = namedtuple("Place", "id name")  # a household, as the checks need it
Person = namedtuple("Person", "id name phone household_id")  # a member, likewise


class Community:
    """The community's households, members and volunteers, each read in one query (as tuples: a
    10,000-row sheet's community may hold tens of thousands of rows)."""

    def __init__(self, community_id: int):
        self.id = community_id
        self.households = defaultdict(list)  # address key → [Place]
        for household_id, name, building, unit, room in Household.select(
                Household.id, Household.name, Household.building, Household.unit, Household.room).where(
                Household.community == community_id, Household.closed_at.is_null()).tuples():
            self.households[address_key(building, unit, room)].append(Place(household_id, name))
        self.by_phone = {}  # phone → Person
        self.names_in = defaultdict(dict)  # household id → {name: member id}
        self.heads = {}  # household id → Person
        for member_id, name, phone, household_id, is_head in Member.select(
                Member.id, Member.name, Member.phone, Member.household, Member.is_head).where(
                Member.community == community_id, Member.erased_at.is_null()).tuples():
            person = Person(member_id, name, phone, household_id)
            if phone:
                self.by_phone.setdefault(phone, person)
            if household_id:
                self.names_in[household_id].setdefault(name, member_id)
                if is_head:
                    self.heads[household_id] = person
        self.volunteers = dict(Volunteer.select(Volunteer.member, Volunteer.status).where(
            Volunteer.community == community_id).tuples())

    def household_at(self, checked: Checked, row: int, cells: dict, prefix: str = "") -> Place | None:
        """The one open household at the row's address, or a problem saying why not."""
        found = self.households.get(address_key(*(cells.get(prefix + n, "") for n in ("楼栋", "单元", "房号"))), [])
        if len(found) == 1:
            return found[0]
        where = address_label(cells, prefix)
        if not found:
            checked.bad(row, prefix + "房号", f"系统里没有地址是“{where}”的家庭，请先导入家庭或核对地址")
        else:
            checked.bad(row, prefix + "房号", f"地址“{where}”有{len(found)}户，请在系统里核对")
        return None


# --- volunteers ---------------------------------------------------------------------------------


def _teams_named(community_id: int) -> dict[str, int]:
    return {team.name: team.id for team in catalog.visible_teams(community_id)}


def volunteers(community_id: int, rows: list[dict]) -> Checked:
    checked = Checked()
    here = Community(community_id)
    teams = _teams_named(community_id)
    seen_phones, new_households, new_teams = {}, {}, []
    members_new = members_found = 0
    for entry in rows:
        row, cells = entry["row"], entry["cells"]
        name = _required(checked, row, cells, "姓名", 32)
        phone = mobile(cells.get("手机号", ""))
        if phone is None:
            checked.bad(row, "手机号", "必须是11位手机号" if cells.get("手机号") else "必须填写")
        elif phone in seen_phones:
            checked.bad(row, "手机号", f"和第{seen_phones[phone]}行的手机号重复")
        else:
            seen_phones[phone] = row
        gender = cells.get("性别", "")
        if gender not in ("男", "女", ""):
            checked.bad(row, "性别", "只能写“男”或“女”，或空着")
        birth = _date_cell(checked, row, "出生日期", cells.get("出生日期", ""), required=False)
        if birth and (reason := _rule_reason(date_bounds.birth_date, birth)):
            checked.bad(row, "出生日期", reason)
        occupation = _optional(checked, row, cells, "职业", 32)
        specialties = _optional(checked, row, cells, "特长", 500)
        team_names = [t.strip() for t in _SEPARATORS.split(cells.get("服务队", "")) if t.strip()]
        for team in team_names:
            if len(team) > 32:
                checked.bad(row, "服务队", f"服务队名称“{team[:10]}…”太长了，最多32个字")
        item = {"row": row, "name": name, "phone": phone, "gender": gender, "birth_date": birth,
                "occupation": occupation, "specialties": specialties, "teams": team_names}
        existing = here.by_phone.get(phone) if phone else None
        if existing is not None:
            if existing.name != name:
                checked.bad(row, "姓名", f"这个手机号在系统里登记的是“{existing.name}”，姓名对不上")
            if existing.id in here.volunteers:
                checked.bad(row, "手机号", "这个手机号的人已经登记过志愿者")
            item["member_id"] = existing.id
            if existing.household_id is None:
                item["household"] = _volunteer_household(checked, here, row, cells, name, new_households)
            members_found += 1
        else:
            item["household"] = _volunteer_household(checked, here, row, cells, name, new_households)
            members_new += 1
        for team in team_names:
            if team not in teams and team not in new_teams:
                new_teams.append(team)
        checked.items.append(item)
    checked.plan = {"volunteers": len(rows), "members_new": members_new, "members_found": members_found,
                    "households_new": len(new_households), "teams_new": new_teams}
    return checked


def _volunteer_household(checked, here, row, cells, name, new_households) -> dict | None:
    """Where a new volunteer lives: the household at the address, or a new one (the first volunteer of an
    address not in the system opens it)."""
    for column in ("楼栋", "房号"):
        if not cells.get(column):
            checked.bad(row, column, "必须填写（志愿者要落在一户家庭里）")
            return None
    key = address_key(cells["楼栋"], cells.get("单元", ""), cells["房号"])
    found = here.households.get(key, [])
    if len(found) > 1:
        checked.bad(row, "房号", f"地址“{address_label(cells)}”有{len(found)}户，请在系统里核对")
        return None
    if found:
        return {"id": found[0].id}
    if key not in new_households:
        new_households[key] = row
        return {"new": True, "name": f"{name}家", "building": cells["楼栋"], "unit": cells.get("单元", ""),
                "room": cells["房号"], "key": list(key)}
    return {"key": list(key)}


# --- households -----------------------------------------------------------------------------------


def households(community_id: int, rows: list[dict]) -> Checked:
    checked = Checked()
    here = Community(community_id)
    groups = defaultdict(list)
    seen_phones = {}
    for entry in rows:
        row, cells = entry["row"], entry["cells"]
        for column in ("楼栋", "房号"):
            if not cells.get(column):
                checked.bad(row, column, "必须填写")
        for column, limit in (("楼栋", 16), ("单元", 16), ("房号", 16)):
            _optional(checked, row, cells, column, limit)
        _optional(checked, row, cells, "户名", 64)
        name = _required(checked, row, cells, "姓名", 32)
        phone = ""
        if cells.get("手机号"):
            phone = mobile(cells["手机号"])
            if phone is None:
                checked.bad(row, "手机号", "必须是11位手机号，没有手机可空着")
            elif phone in seen_phones:
                checked.bad(row, "手机号", f"和第{seen_phones[phone]}行的手机号重复")
            elif phone in here.by_phone:
                checked.bad(row, "手机号", f"这个手机号在系统里已经登记给了“{here.by_phone[phone].name}”")
            else:
                seen_phones[phone] = row
        relation = cells.get("与户主关系", "")
        if relation not in RELATIONS:
            checked.bad(row, "与户主关系", f"要写{ '、'.join(RELATIONS[:8])}等之一（户主写“本人”）")
        gender = cells.get("性别", "")
        if gender not in ("男", "女", ""):
            checked.bad(row, "性别", "只能写“男”或“女”，或空着")
        birth = _date_cell(checked, row, "出生日期", cells.get("出生日期", ""), required=False)
        if birth and (reason := _rule_reason(date_bounds.birth_date, birth)):
            checked.bad(row, "出生日期", reason)
        key = address_key(cells.get("楼栋", ""), cells.get("单元", ""), cells.get("房号", ""))
        groups[key].append({"row": row, "name": name, "phone": phone or "", "relation": relation, "gender": gender,
                            "birth_date": birth, "cells": cells})
    members = 0
    for key, people in groups.items():
        first = people[0]
        if key in here.households:
            household = here.households[key][0]
            for person in people:
                checked.bad(person["row"], "房号", f"地址“{address_label(person['cells'])}”已经开户（{household.name}），"
                                                   "新家人请在系统里添加")
            continue
        heads = [person for person in people if person["relation"] == "本人"]
        if not heads:
            checked.bad(first["row"], "与户主关系", f"地址“{address_label(first['cells'])}”这一户没有户主：户主一行写“本人”")
        for extra in heads[1:]:
            checked.bad(extra["row"], "与户主关系", f"一户只能有一位户主（第{heads[0]['row']}行已经是“本人”）")
        head = heads[0] if heads else first
        household_name = next((p["cells"].get("户名") for p in people if p["cells"].get("户名")), "") or f"{head['name']}家"
        checked.items.append({
            "row": first["row"], "name": household_name, "building": first["cells"].get("楼栋", ""),
            "unit": first["cells"].get("单元", ""), "room": first["cells"].get("房号", ""),
            "members": [{k: p[k] for k in ("row", "name", "phone", "relation", "gender", "birth_date")}
                        for p in [head, *(p for p in people if p is not head)]],
        })
        members += len(people)
    checked.plan = {"households": len(checked.items), "members": members}
    return checked


# --- opening balances -------------------------------------------------------------------------------


def opening_key(household_id: int) -> str:
    return f"opening:{household_id}"


def openings_posted(community_id: int) -> tuple[set[int], set[str]]:
    """The households that already have an opening balance, and the paper passbook numbers already brought over."""
    households, numbers = set(), set()
    for transfer in Transfer.select(Transfer.idempotency_key, Transfer.details).where(
            Transfer.community == community_id, Transfer.code == "opening"):
        households.add(int(transfer.idempotency_key.split(":")[1]))
        numbers.add((transfer.details or {}).get("passbook_no", ""))
    return households, numbers


def opening_balances(community_id: int, rows: list[dict]) -> Checked:
    checked = Checked()
    here = Community(community_id)
    posted, numbers = openings_posted(community_id)
    seen_households, seen_numbers = {}, {}
    total = 0
    for entry in rows:
        row, cells = entry["row"], entry["cells"]
        name = _required(checked, row, cells, "户主姓名", 32)
        number = _required(checked, row, cells, "纸质存折号", 40)
        if number in seen_numbers:
            checked.bad(row, "纸质存折号", f"和第{seen_numbers[number]}行的存折号重复")
        elif number in numbers:
            checked.bad(row, "纸质存折号", "这本纸质存折已经转入过了")
        elif number:
            seen_numbers[number] = row
        minutes = _opening_minutes(checked, row, cells.get("结余小时数", ""))
        paper_date = _date_cell(checked, row, "结余日期", cells.get("结余日期", ""), required=False)
        if paper_date and paper_date > clock.today():
            checked.bad(row, "结余日期", "日期不能晚于今天")
        household = here.household_at(checked, row, cells)
        if household is not None:
            if name and name not in here.names_in[household.id]:
                head = here.heads.get(household.id)
                checked.bad(row, "户主姓名", f"这一户（{household.name}）里没有叫“{name}”的人"
                                              + (f"，系统里的户主是“{head.name}”" if head else ""))
            if household.id in posted:
                checked.bad(row, "房号", f"这一户（{household.name}）已经有期初结余了，每户只能转入一次")
            elif household.id in seen_households:
                checked.bad(row, "房号", f"和第{seen_households[household.id]}行是同一户，每户只能有一个期初结余")
            else:
                seen_households[household.id] = row
        total += minutes or 0
        checked.items.append({"row": row, "household_id": household.id if household else None,
                              "household_name": household.name if household else "", "passbook_no": number,
                              "minutes": minutes, "paper_date": paper_date})
    checked.plan = {"transfers": len(rows), "minutes": total}
    return checked


def _opening_minutes(checked: Checked, row: int, text: str) -> int | None:
    column = "结余小时数"
    if not text:
        checked.bad(row, column, "必须填写")
        return None
    try:
        hours = Decimal(text.removesuffix("小时").strip())
    except InvalidOperation:
        checked.bad(row, column, f"“{text}”不是数字，请写小时数，如 12.5")
        return None
    if not hours.is_finite() or hours <= 0:
        checked.bad(row, column, "结余要大于0（结余为0的存折不用转入）")
        return None
    if hours > MAX_OPENING_HOURS:
        checked.bad(row, column, f"结余太大了（超过{MAX_OPENING_HOURS}小时），请核对")
        return None
    minutes = hours * 60
    if minutes != minutes.to_integral_value():
        checked.bad(row, column, f"{text}小时换不成整分钟，请核对（如 12.5 小时 = 750 分钟）")
        return None
    return int(minutes)


# --- historical service records ----------------------------------------------------------------------


class Menu:
    """The service menu by name and by code, read once."""

    def __init__(self):
        self.categories = {}
        for category in ServiceCategory.select():
            self.categories[category.name] = self.categories[category.code] = category.id
        self.items = {(item.category_id, item.name): item.id
                      for item in ServiceItem.select().where(ServiceItem.active == True)}  # noqa: E712


def service_records(community_id: int, rows: list[dict]) -> Checked:
    checked = Checked()
    here = Community(community_id)
    menu = Menu()
    now = clock.now()
    bounds = (runtime.setting("EARLIEST_SERVICE_DATE"), clock.today())  # date_bounds.service_day's, read once
    pending = []
    for entry in rows:
        row, cells = entry["row"], entry["cells"]
        item = _service_row(checked, here, menu, row, cells, now, bounds)
        if item is not None:
            pending.append(item)
        checked.items.append(item or {"row": row})
    _check_days(checked, community_id, pending)
    step = runtime.setting("ROUNDING_STEP_MINUTES")
    checked.plan = {"records": len(rows), "minutes": sum(i.get("credit_minutes", 0) for i in checked.items),
                    "volunteers": len({i["volunteer_id"] for i in pending}), "rounding_step_minutes": step}
    return checked


def _service_row(checked, here, menu, row, cells, now, bounds) -> dict | None:
    before = len(checked.problems)
    name = _required(checked, row, cells, "志愿者姓名", 32)
    volunteer = None
    phone = mobile(cells.get("志愿者手机号", ""))
    if phone is None:
        checked.bad(row, "志愿者手机号", "必须是11位手机号" if cells.get("志愿者手机号") else "必须填写")
    else:
        volunteer = here.by_phone.get(phone)
        if volunteer is None or volunteer.id not in here.volunteers:
            checked.bad(row, "志愿者手机号", "本社区没有用这个手机号登记的志愿者，请先导入志愿者")
            volunteer = None
        elif here.volunteers[volunteer.id] not in ("active", "retired"):
            checked.bad(row, "志愿者手机号", "这位志愿者还没有通过审核，或已暂停")
            volunteer = None
        elif volunteer.household_id is None:  # an old record: credited hours need a household's passbook
            checked.bad(row, "志愿者手机号", "这位志愿者还没有家庭存折：请先在志愿者导入表里填上他家的地址，导入一次")
            volunteer = None
        elif name and volunteer.name != name:
            checked.bad(row, "志愿者姓名", f"这个手机号的志愿者是“{volunteer.name}”，姓名对不上")
    category_id = menu.categories.get(cells.get("服务类别", ""))
    if not cells.get("服务类别"):
        checked.bad(row, "服务类别", "必须填写")
    elif category_id is None:
        checked.bad(row, "服务类别", f"服务菜单里没有“{cells['服务类别']}”这个类别")
    item_id = None
    if cells.get("服务项目") and category_id is not None:
        item_id = menu.items.get((category_id, cells["服务项目"]))
        if item_id is None:
            checked.bad(row, "服务项目", f"“{cells['服务类别']}”里没有“{cells['服务项目']}”这个项目")
    place = _required(checked, row, cells, "服务地点", 100)
    content = _required(checked, row, cells, "服务内容", 1000)
    recipient = recipient_household = None
    if any(cells.get("服务对象" + n) for n in ("楼栋", "单元", "房号")):
        household = here.household_at(checked, row, cells, "服务对象")
        if household is not None:
            recipient_household = household.id
            wanted = cells.get("服务对象姓名", "")
            if wanted:
                recipient = here.names_in[household.id].get(wanted)
                if recipient is None:
                    checked.bad(row, "服务对象姓名", f"这一户（{household.name}）里没有叫“{wanted}”的人")
            else:
                head = here.heads.get(household.id)
                recipient = head.id if head else None
            if volunteer is not None and recipient == volunteer.id:
                checked.bad(row, "服务对象姓名", "服务对象不能是志愿者自己")
    elif cells.get("服务对象姓名"):
        checked.bad(row, "服务对象房号", "写了服务对象姓名，请也写上服务对象家的地址")
    witness_name = _required(checked, row, cells, "见证人姓名", 32)
    witness_phone = any_phone(cells.get("见证人电话", ""))
    if witness_phone is None:
        checked.bad(row, "见证人电话", "不是有效的电话号码" if cells.get("见证人电话") else "必须填写")
    elif volunteer is not None:
        other = here.by_phone.get(witness_phone)
        if witness_phone == phone:
            checked.bad(row, "见证人电话", "不能给自己的服务作见证")
        elif other is not None and other.household_id and other.household_id == volunteer.household_id:
            checked.bad(row, "见证人电话", "家里人不能互相作见证")
    start, end = _service_times(checked, row, cells, now, bounds)
    if len(checked.problems) > before:
        return None
    return {"row": row, "volunteer_id": volunteer.id, "volunteer_household_id": volunteer.household_id,
            "recipient_id": recipient, "recipient_household_id": recipient_household, "category_id": category_id,
            "item_id": item_id, "place": place, "content": content, "started_at": start, "ended_at": end,
            "duration_minutes": int((end - start).total_seconds() // 60), "witness_name": witness_name,
            "witness_phone": witness_phone}


def _service_times(checked, row, cells, now, bounds):
    service_day = _date_cell(checked, row, "服务日期", cells.get("服务日期", ""), required=True)
    times = []
    for column in ("开始时间", "结束时间"):
        text = cells.get(column, "")
        value = time_of_day(text) if text else None
        if not text:
            checked.bad(row, column, "必须填写")
        elif value is None:
            checked.bad(row, column, f"“{text}”不是时间，请写成 09:30 这样")
        times.append(value)
    if service_day is None or None in times:
        return None, None
    start, end = (dt.datetime.combine(service_day, t) for t in times)
    if not bounds[0] <= service_day <= bounds[1]:  # the rule's own words for why
        checked.bad(row, "服务日期", _rule_reason(date_bounds.service_day, service_day, "started_at"))
    elif end <= start:
        checked.bad(row, "结束时间", "结束时间要晚于开始时间（同一天）")
    elif end > now + dt.timedelta(minutes=5):
        checked.bad(row, "结束时间", "服务还没有结束，不能提前记录")
    elif records.is_too_short(minutes := int((end - start).total_seconds() // 60)):
        checked.bad(row, "结束时间", f"这次服务{minutes}分钟，{records.too_short_label()}")
    return start, end


def _check_days(checked: Checked, community_id: int, items: list[dict]) -> None:
    """No two services of a volunteer overlap, the sheet's or those already recorded, and no day passes the
    daily cap: the volunteers' services on the sheet's days are read in one query per 500 volunteers."""
    if not items:
        return
    cap = runtime.setting("DAILY_CAP_MINUTES")
    step = runtime.setting("ROUNDING_STEP_MINUTES")
    first = min(i["started_at"] for i in items).date()
    last = max(i["started_at"] for i in items).date() + dt.timedelta(days=1)
    days = defaultdict(list)  # (volunteer, date) → [(start, end, minutes, row or None)]
    volunteer_ids = sorted({i["volunteer_id"] for i in items})
    for chunk in range(0, len(volunteer_ids), 500):
        for record in ServiceRecord.select(ServiceRecord.volunteer, ServiceRecord.started_at, ServiceRecord.ended_at,
                                           ServiceRecord.duration_minutes).where(
                ServiceRecord.volunteer.in_(volunteer_ids[chunk:chunk + 500]),
                ServiceRecord.status.not_in(["rejected", "reversed", "withdrawn"]),
                ServiceRecord.started_at >= dt.datetime.combine(first, dt.time()),
                ServiceRecord.started_at < dt.datetime.combine(last, dt.time())).tuples():
            volunteer_id, started, ended, minutes = record
            days[(volunteer_id, started.date())].append((started, ended, minutes, None))
    for item in items:
        start, end, minutes = item["started_at"], item["ended_at"], item["duration_minutes"]
        same_day = days[(item["volunteer_id"], start.date())]
        clash = next((other for other in same_day if other[0] < end and start < other[1]), None)
        if clash is not None:
            where = f"和第{clash[3]}行" if clash[3] else "和系统里已有的一条服务记录"
            checked.bad(item["row"], "开始时间", f"{where}时间重叠，同一时间只能记一项")
            continue
        used = sum(other[2] for other in same_day)
        if used + minutes > cap:
            checked.bad(item["row"], "结束时间", f"每人每天最多记{cap / 60:g}小时，这一天已记{used / 60:g}小时")
            continue
        same_day.append((start, end, minutes, item["row"]))
        # The day's recorded minutes stay within the cap, so rounding down is all that crediting takes off.
        item["credit_minutes"] = minutes // step * step


CHECKS = {"volunteers": volunteers, "households": households, "opening_balances": opening_balances,
          "service_records": service_records}
