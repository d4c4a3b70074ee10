"""Who may redeem (优先回馈): the household banks, and these of its members may spend.

The household is the account holder (以家庭为单位开户): hours earned by anyone in it, gifted by
children (亲情转赠) or granted from the love pool (兜底) are the household's. Of its members these may
open a payback request on them:

- anyone aged `PAYBACK_AGE` or more, volunteer or not (the 72-year-old head who never volunteered);
- a volunteer the station retired for age or illness (退出: 年龄、疾病), whatever their age;
- a hardship case a coordinator marked (兜底对象: 失独、孤寡、残疾、重病, people/hardship.py).

Everyone else banks and does not spend: above all an active volunteer under the age, whose hours are
waiting for their own old age or for the household's elders. The answer names each rule that
applies, or the one that does not, in words the family reads.
"""

from server import clock, runtime
from server.models import Member, Volunteer
from server.models.people import APPLICATION_STATUSES
from server.services.people import hardship

RETIRED_REASONS = {"age": "因年龄退出的志愿者", "illness": "因病退出的志愿者"}


def standing(member: Member, volunteer: Volunteer | None, period, payback_age: int) -> dict:
    """One member's right to redeem: {may_redeem, reasons (each rule that applies), reason_not}."""
    reasons = []
    age = clock.age_on(member.birth_date)
    if age is not None and age >= payback_age:
        reasons.append(f"年满{payback_age}岁")
    if volunteer is not None and volunteer.status == "retired" and volunteer.retired_reason in RETIRED_REASONS:
        reasons.append(RETIRED_REASONS[volunteer.retired_reason])
    if period is not None:
        reasons.append(f"兜底对象（{period.reason}）")
    if reasons:
        return {"may_redeem": True, "reasons": reasons, "reason_not": ""}
    if volunteer is not None and volunteer.status == "active":
        why = f"在岗志愿者，未满{payback_age}岁，先继续存时间"
    elif volunteer is not None and volunteer.status not in APPLICATION_STATUSES and volunteer.status != "active":
        why = f"未满{payback_age}岁，退出原因不是年龄或疾病，也不是兜底对象"
    elif age is None:
        why = f"没有登记出生日期，请服务站核实是否年满{payback_age}岁"
    else:
        why = f"未满{payback_age}岁，也不是兜底对象"
    return {"may_redeem": False, "reasons": [], "reason_not": why}


def of_household(household_id: int) -> list[dict]:
    """Every member of the household (not erased), oldest first, with their standing: three queries."""
    members = list(Member.select().where(Member.household == household_id, Member.erased_at.is_null())
                   .order_by(Member.birth_date.asc(nulls="LAST"), Member.id))
    ids = [m.id for m in members]
    profiles = {v.member_id: v for v in Volunteer.select().where(Volunteer.member.in_(ids))}
    periods = hardship.open_for(ids)
    payback_age = runtime.setting("PAYBACK_AGE")
    return [{"member_id": m.id, "name": m.name, "relation": m.relation,
             **standing(m, profiles.get(m.id), periods.get(m.id), payback_age)} for m in members]


def sentence(line: dict) -> str:
    """The answer for one member, as a sentence."""
    if line["may_redeem"]:
        return f"{line['name']}：{'、'.join(line['reasons'])}，可以用家里存折的时间申请优先、等时的服务。"
    return f"{line['name']}：{line['reason_not']}，暂不能申请优先回馈。"
