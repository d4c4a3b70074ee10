"""兜底对象: a coordinator marks a member as a hardship case (失独、孤寡、残疾、重病) and later ends it.

A hardship case may redeem the household's hours whatever their age (see board/redeemers.py). Each
marking is a period with who began and ended it and when; ending one keeps the row, so the station can
always say who was a hardship case in a given month. At most one period per member is open: the database
holds that with a partial unique index, and ending is a guarded UPDATE, so two coordinators clicking at
once cannot open two periods or end one twice.
"""

from peewee import IntegrityError

from server import clock
from server.db import database
from server.errors import Conflict, Forbidden, RuleBroken
from server.models import HardshipPeriod, Member
from server.models.people import HARDSHIP_REASONS
from server.services.people import privacy


def _require_coordinator(actor: Member, member: Member) -> None:
    if not privacy.coordinates(actor, member.community_id):
        raise Forbidden("只有本社区服务站可以认定兜底对象")


def current(member_id: int) -> HardshipPeriod | None:
    """The member's open period, or None."""
    return HardshipPeriod.get_or_none(HardshipPeriod.member == member_id, HardshipPeriod.ended_at.is_null())


def open_for(member_ids: list[int]) -> dict[int, HardshipPeriod]:
    """member id → its open period, for the members that have one (one query for a household)."""
    query = HardshipPeriod.select().where(HardshipPeriod.member.in_(member_ids), HardshipPeriod.ended_at.is_null())
    return {period.member_id: period for period in query}


def mark(actor: Member, member: Member, *, reason: str, note: str = "") -> HardshipPeriod:
    """Begin a hardship period for a member of a household (the coordinator of its community, or an admin)."""
    _require_coordinator(actor, member)
    if reason not in HARDSHIP_REASONS:
        raise RuleBroken("兜底原因只能是：" + "、".join(HARDSHIP_REASONS), field="reason", rule="bad_hardship_reason")
    if member.household_id is None or member.erased_at is not None:
        raise RuleBroken("这位居民还没有家庭账户，不能认定为兜底对象", rule="household_required")
    if current(member.id) is not None:
        raise Conflict("这位居民已经是兜底对象", rule="already_hardship")
    try:
        with database.atomic():
            return HardshipPeriod.create(member=member.id, community=member.community_id, reason=reason,
                                         note=note, started_at=clock.now(), started_by=actor.id)
    except IntegrityError:  # another coordinator marked them a moment ago
        raise Conflict("这位居民已经是兜底对象", rule="already_hardship") from None


def end(actor: Member, member: Member) -> HardshipPeriod:
    """End the member's open hardship period; the row stays, with who ended it and when."""
    _require_coordinator(actor, member)
    period = current(member.id)
    changed = period is not None and (
        HardshipPeriod.update(ended_at=clock.now(), ended_by=actor.id)
        .where(HardshipPeriod.id == period.id, HardshipPeriod.ended_at.is_null()).execute())
    if not changed:
        raise Conflict("这位居民现在不是兜底对象", rule="not_hardship")
    return HardshipPeriod.get_by_id(period.id)


def period_view(period: HardshipPeriod) -> dict:
    return {
        "id": period.id, "member_id": period.member_id, "reason": period.reason, "note": period.note,
        "started_at": period.started_at, "started_by_name": period.started_by.name,
        "ended_at": period.ended_at, "ended_by_name": period.ended_by.name if period.ended_by_id else None,
    }
