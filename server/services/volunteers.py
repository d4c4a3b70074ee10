"""Volunteer profiles (志愿者档案), their teams, intentions, availability and status."""

import uuid

from server import clock
from server.db import database
from server.errors import Conflict, Forbidden, NotFound, RuleBroken
from server.models import Member, ServiceCategory, Team, Volunteer, VolunteerIntention, VolunteerTeam
from server.models.people import RETIRE_REASONS, SLOTS, VOLUNTEER_STATUSES
from server.services import catalog, date_bounds, privacy
from server.services.people import add_role

MEMBER_FIELDS = ("name", "gender", "birth_date", "phone")


def availability_to_mask(slots: list[dict]) -> int:
    mask = 0
    for slot in slots:
        mask |= 1 << ((slot["weekday"] - 1) * len(SLOTS) + SLOTS.index(slot["slot"]))
    return mask


def mask_to_availability(mask: int) -> list[dict]:
    return [
        {"weekday": bit // len(SLOTS) + 1, "slot": SLOTS[bit % len(SLOTS)]}
        for bit in range(7 * len(SLOTS))
        if mask & (1 << bit)
    ]


def _set_links(volunteer: Volunteer, team_ids, category_codes) -> None:
    if team_ids is not None:
        teams = list(catalog.visible_teams(volunteer.community_id).where(Team.id.in_(team_ids)))
        if len(teams) != len(set(team_ids)):
            raise RuleBroken("有的服务队不存在", field="team_ids", rule="unknown_team")
        VolunteerTeam.delete().where(VolunteerTeam.volunteer == volunteer).execute()
        for team in teams:
            VolunteerTeam.create(volunteer=volunteer, team=team)
    if category_codes is not None:
        categories = list(ServiceCategory.select().where(ServiceCategory.code.in_(category_codes)))
        if len(categories) != len(set(category_codes)):
            raise RuleBroken("有的服务意向不在服务菜单里", field="intentions", rule="unknown_category")
        VolunteerIntention.delete().where(VolunteerIntention.volunteer == volunteer).execute()
        for category in categories:
            VolunteerIntention.create(volunteer=volunteer, category=category)


def _apply_political(volunteer: Volunteer, fields: dict) -> None:
    """Political status is kept only with its own consent; withdrawing consent erases it."""
    consent = fields.pop("consent_political", None)
    status = fields.pop("political_status", None)
    if consent is False:
        volunteer.consent_political_at = None
        volunteer.political_status = None
        return
    if consent is True and volunteer.consent_political_at is None:
        volunteer.consent_political_at = clock.now()
    if status is not None:
        if volunteer.consent_political_at is None:
            raise RuleBroken(
                "填写政治面貌前，请先单独同意我们保存这项信息", field="political_status", rule="consent_required"
            )
        volunteer.political_status = status or None


def register(member: Member, data: dict) -> Volunteer:
    """志愿者登记: a household member becomes a volunteer with a public volunteer number."""
    if member.household_id is None:
        raise RuleBroken("请先开户或加入家庭，再登记志愿者", rule="household_required")
    if Volunteer.select().where(Volunteer.member == member).exists():
        raise Conflict("您已经登记过志愿者了", rule="already_volunteer")
    date_bounds.birth_date(data.get("birth_date"))
    data = dict(data)
    team_ids, intentions = data.pop("team_ids", []), data.pop("intentions", [])
    with database.atomic():
        for field in MEMBER_FIELDS:
            if field in data:
                setattr(member, field, data.pop(field))
        add_role(member, "volunteer")
        member.save()
        volunteer = Volunteer(
            member=member,
            community=member.community_id,
            volunteer_no=uuid.uuid4().hex[:24],
            occupation=data.pop("occupation", ""),
            specialties=data.pop("specialties", ""),
            availability_mask=availability_to_mask(data.pop("availability", [])),
            public_name=data.pop("public_name", False),
        )
        _apply_political(volunteer, data)
        volunteer.save()
        # The number is derived from the row id: unique without a race on "max + 1".
        volunteer.volunteer_no = f"{member.community.code}-{volunteer.id:05d}"
        volunteer.save()
        _set_links(volunteer, team_ids, intentions)
    return volunteer


def profile_of(member: Member) -> Volunteer:
    volunteer = Volunteer.get_or_none(Volunteer.member == member)
    if volunteer is None:
        raise RuleBroken("您还没有登记志愿者，请先登记", rule="volunteer_required")
    return volunteer


def volunteer_for(viewer: Member, volunteer_id: int) -> Volunteer:
    volunteer = Volunteer.get_or_none(Volunteer.id == volunteer_id)
    if volunteer is None:
        raise NotFound()
    if viewer.community_id != volunteer.community_id and not viewer.has_role("admin"):
        raise NotFound()
    return volunteer


def update(actor: Member, volunteer: Volunteer, data: dict) -> Volunteer:
    """The volunteer edits their profile; their coordinator may correct it."""
    member = volunteer.member
    if actor.id != member.id and not privacy.coordinates(actor, volunteer.community_id):
        raise Forbidden("只能修改自己的志愿者档案")
    if actor.id != member.id and "public_name" in data:
        raise RuleBroken("在公告中公开姓名需要志愿者本人同意", field="public_name", rule="own_consent")
    date_bounds.birth_date(data.get("birth_date"))
    data = dict(data)
    with database.atomic():
        for field in MEMBER_FIELDS:
            if field in data:
                setattr(member, field, data.pop(field))
        member.save()
        if "availability" in data:
            volunteer.availability_mask = availability_to_mask(data.pop("availability"))
        _set_links(volunteer, data.pop("team_ids", None), data.pop("intentions", None))
        _apply_political(volunteer, data)
        for key, value in data.items():
            setattr(volunteer, key, value)
        volunteer.save()
    return volunteer


def set_status(actor: Member, volunteer: Volunteer, *, status: str, reason: str | None = None, note: str = "") -> Volunteer:
    """The coordinator marks a volunteer active, retired (退出: age / illness / other) or suspended."""
    if not privacy.coordinates(actor, volunteer.community_id):
        raise Forbidden("只有服务站可以变更志愿者状态")
    if status not in VOLUNTEER_STATUSES:
        raise RuleBroken("状态只能是 在岗 / 退出 / 暂停", field="status", rule="bad_status")
    if status == "retired" and reason not in RETIRE_REASONS:
        raise RuleBroken("退出时请说明原因：年龄、疾病或其他", field="reason", rule="retire_reason_required")
    volunteer.status = status
    volunteer.retired_reason = reason if status == "retired" else None
    volunteer.status_note = note
    volunteer.status_changed_at = clock.now()
    volunteer.save()
    return volunteer


def join_team(member: Member, team: Team) -> None:
    volunteer = profile_of(member)
    if team.community_id not in (None, volunteer.community_id):
        raise NotFound()
    VolunteerTeam.insert(volunteer=volunteer, team=team, joined_at=clock.now()).on_conflict_ignore().execute()


def leave_team(member: Member, team: Team) -> None:
    volunteer = profile_of(member)
    VolunteerTeam.delete().where(VolunteerTeam.volunteer == volunteer, VolunteerTeam.team == team).execute()


def create_team(actor: Member, *, name: str, description: str = "", category_codes=()) -> Team:
    """Coordinators add teams for their own community beside the six seeded ones."""
    from server.models import TeamCategory

    if actor.community_id is None:
        raise RuleBroken("您还没有所属社区", rule="community_required")
    categories = list(ServiceCategory.select().where(ServiceCategory.code.in_(list(category_codes))))
    if len(categories) != len(set(category_codes)):
        raise RuleBroken("有的服务类别不在服务菜单里", field="categories", rule="unknown_category")
    with database.atomic():
        team = Team.create(
            community=actor.community_id, code=f"c{actor.community_id}-{uuid.uuid4().hex[:8]}",
            name=name, description=description,
        )
        for category in categories:
            TeamCategory.create(team=team, category=category)
    return team


def team_for(viewer: Member, team_id: int) -> Team:
    team = Team.get_or_none(Team.id == team_id)
    if team is None or (team.community_id not in (None, viewer.community_id) and not viewer.has_role("admin")):
        raise NotFound()
    return team


def list_for_coordinator(viewer: Member, *, status=None, team_id=None, category=None, q=None):
    community_id = viewer.community_id
    query = (
        Volunteer.select(Volunteer, Member)
        .join(Member)
        .where(Volunteer.community == community_id)
        .order_by(Volunteer.id)
    )
    if status:
        query = query.where(Volunteer.status == status)
    if team_id:
        query = query.where(Volunteer.id.in_(VolunteerTeam.select(VolunteerTeam.volunteer).where(VolunteerTeam.team == team_id)))
    if category:
        query = query.where(
            Volunteer.id.in_(
                VolunteerIntention.select(VolunteerIntention.volunteer)
                .join(ServiceCategory)
                .where(ServiceCategory.code == category)
            )
        )
    if q:
        query = query.where(Member.name.contains(q) | Volunteer.volunteer_no.contains(q))
    return query


def volunteer_view(volunteer: Volunteer, viewer: Member | None) -> dict:
    """The profile as the viewer may see it: private fields only for self and coordinators."""
    member = volunteer.member
    private = privacy.may_see_private(viewer, member)
    teams = [link.team for link in VolunteerTeam.select(VolunteerTeam, Team).join(Team).where(VolunteerTeam.volunteer == volunteer)]
    intentions = [
        link.category.code
        for link in VolunteerIntention.select(VolunteerIntention, ServiceCategory)
        .join(ServiceCategory)
        .where(VolunteerIntention.volunteer == volunteer)
    ]
    view = {
        "id": volunteer.id,
        "member_id": member.id,
        "volunteer_no": volunteer.volunteer_no,
        "name": member.name,
        "gender": member.gender,
        "age": clock.age_on(member.birth_date),
        "phone": member.phone if private else privacy.mask_phone(member.phone),
        "occupation": volunteer.occupation,
        "specialties": volunteer.specialties,
        "intentions": intentions,
        "teams": [{"id": t.id, "name": t.name} for t in teams],
        "availability": mask_to_availability(volunteer.availability_mask),
        "status": volunteer.status,
        "retired_reason": volunteer.retired_reason,
        "public_name": volunteer.public_name,
        "registered_at": volunteer.registered_at,
        "community_id": volunteer.community_id,
    }
    if private:
        view["birth_date"] = member.birth_date
        view["political_status"] = volunteer.political_status
        view["consent_political"] = volunteer.consent_political_at is not None
        view["status_note"] = volunteer.status_note
    return view
