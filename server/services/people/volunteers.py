"""Volunteer profiles (志愿者档案), their teams, intentions, availability and status.

Registering is an application (志愿者申请): the profile starts `pending` and a coordinator
of the community approves it (or rejects it with a reason) before the person may claim,
check in, self-report, sign up or be matched; every one of those checks `status == "active"`
in its own service. Coordinators are told when an application arrives, the applicant when
it is decided. A rejected applicant may apply again.
"""

import uuid

from server import clock
from server.db import database
from server.errors import Conflict, Forbidden, NotFound, RuleBroken
from server.keyset import Keyset
from server.models import Member, ServiceCategory, Team, Volunteer, VolunteerIntention, VolunteerTeam
from server.models.people import APPLICATION_STATUSES, RETIRE_REASONS, SLOTS, VOLUNTEER_STATUSES
from server.services.board import catalog
from server.services.messaging import notifications
from server.services.people import date_bounds, privacy
from server.services.people.core import add_role

STATUS_LABELS = {"pending": "审核中", "rejected": "未通过", "active": "在岗", "retired": "退出", "suspended": "暂停"}

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


def _fill(member: Member, volunteer: Volunteer, data: dict) -> None:
    """The applicant's answers: the member's own fields, the profile, teams and intentions."""
    date_bounds.birth_date(data.get("birth_date"))
    data = dict(data)
    team_ids, intentions = data.pop("team_ids", []), data.pop("intentions", [])
    for field in MEMBER_FIELDS:
        if field in data:
            setattr(member, field, data.pop(field))
    member.save()
    volunteer.occupation = data.pop("occupation", "")
    volunteer.specialties = data.pop("specialties", "")
    volunteer.availability_mask = availability_to_mask(data.pop("availability", []))
    volunteer.public_name = data.pop("public_name", False)
    if member.household_id is not None:  # the household's address, as people.place_volunteers keeps it
        volunteer.building, volunteer.area = member.household.building, member.household.area
    _apply_political(volunteer, data)
    if volunteer.id is None:
        volunteer.volunteer_no = uuid.uuid4().hex[:24]
        volunteer.save()
        # The number is derived from the row id: unique without a race on "max + 1".
        volunteer.volunteer_no = f"{member.community.code}-{volunteer.id:05d}"
    volunteer.save()
    _set_links(volunteer, team_ids, intentions)


def _create(member: Member, data: dict, *, status: str) -> Volunteer:
    add_role(member, "volunteer")
    volunteer = Volunteer(member=member, community=member.community_id, status=status,
                          status_changed_at=clock.now())
    _fill(member, volunteer, data)
    return volunteer


def register(member: Member, data: dict) -> Volunteer:
    """志愿者登记: a household member applies; pending until a coordinator of the community decides.

    A rejected applicant applies again with the same call (same volunteer number).
    """
    if member.household_id is None:
        raise RuleBroken("请先开户或加入家庭，再登记志愿者", rule="household_required")
    existing = Volunteer.get_or_none(Volunteer.member == member)
    if existing is not None and existing.status == "pending":
        raise Conflict("您的志愿者申请正在审核中，请等待社区工作人员确认", rule="application_pending")
    if existing is not None and existing.status != "rejected":
        raise Conflict("您已经登记过志愿者了", rule="already_volunteer")
    with database.atomic():
        if existing is None:
            volunteer = _create(member, data, status="pending")
        else:
            volunteer = existing
            volunteer.status, volunteer.status_note, volunteer.status_changed_at = "pending", "", clock.now()
            volunteer.reviewed_by = volunteer.reviewed_at = None
            _fill(member, volunteer, data)
        coordinators = privacy.coordinator_ids(volunteer.community_id)
        if coordinators:
            notifications.notify(
                coordinators, f"volunteer:{volunteer.id}:applied:{volunteer.status_changed_at:%Y%m%d%H%M%S%f}",
                "coordinator_alert", {"subject": "志愿者申请待审核", "summary": f"{member.name}申请成为志愿者",
                                      "when": volunteer.status_changed_at, "page": "pages/station/index"})
    return volunteer


def enrol(member: Member, data: dict) -> Volunteer:
    """A volunteer the station accepted outside the app (paper register, an import): active at once.

    No route calls this; registration through the API is always an application.
    """
    if member.household_id is None:
        raise RuleBroken("请先开户或加入家庭，再登记志愿者", rule="household_required")
    if Volunteer.select().where(Volunteer.member == member).exists():
        raise Conflict("已经登记过志愿者了", rule="already_volunteer")
    with database.atomic():
        return _create(member, data, status="active")


def review(actor: Member, volunteer: Volunteer, *, decision: str, reason: str = "") -> Volunteer:
    """志愿者审核: a coordinator of the community (or the admin) approves or rejects an application.

    Decided once (a guarded UPDATE: a second decision, or two coordinators at once, gets 409);
    the applicant is told either way, a rejection with its reason.
    """
    if not privacy.coordinates(actor, volunteer.community_id):
        raise Forbidden("只有本社区服务站可以审核志愿者申请")
    if actor.id == volunteer.member_id and not actor.has_role("admin"):
        raise Forbidden("不能审核自己的志愿者申请，请由其他工作人员审核", rule="own_application")
    reason = reason.strip()
    if decision == "reject" and not reason:
        raise RuleBroken("请写明不通过的原因，申请人会看到", field="reason", rule="reason_required")
    status = "active" if decision == "approve" else "rejected"
    now = clock.now()
    with database.atomic():
        decided = (Volunteer.update(status=status, status_note=reason, status_changed_at=now,
                                    reviewed_by=actor.id, reviewed_at=now)
                   .where(Volunteer.id == volunteer.id, Volunteer.status == "pending").execute())
        current = Volunteer.get_by_id(volunteer.id)
        if not decided:
            raise Conflict(f"这份申请已经处理过了（{STATUS_LABELS.get(current.status, current.status)}）",
                           rule="not_pending", status=current.status)
        if status == "active":
            subject, summary = "志愿者申请已通过", f"您已成为{current.community.name}的志愿者，现在可以接单和记录服务了。"
        else:
            subject, summary = "志愿者申请未通过", f"原因：{reason}。有疑问请联系社区服务站。"
        notifications.notify([current.member_id], f"volunteer:{volunteer.id}:{decision}:{now:%Y%m%d%H%M%S%f}",
                             "volunteer_review", {"subject": subject, "result": "通过" if status == "active" else "未通过",
                                                  "summary": summary})
    return current


LISTING_ORDER = Keyset(Volunteer.id)
# Oldest application first (every pending or rejected one has its `status_changed_at`).
APPLICATION_ORDER = Keyset(Volunteer.status_changed_at, Volunteer.id)


def applications(viewer: Member, *, status: str = "pending", community_id: int | None = None):
    """Applications for the viewer's community, oldest first; the admin sees every community."""
    query = (Volunteer.select(Volunteer, Member).join(Member)
             .where(Volunteer.status == status).order_by(Volunteer.status_changed_at, Volunteer.id))
    if viewer.has_role("admin"):
        return query if community_id is None else query.where(Volunteer.community == community_id)
    if community_id not in (None, viewer.community_id):
        raise NotFound()
    return query.where(Volunteer.community == viewer.community_id)


def require_active(member: Member, doing: str) -> Volunteer:
    """The member's profile if it is active; otherwise a 422 saying why, in words for the volunteer.

    Every volunteer-only action calls this in its service (claim, check-in, self-report,
    event sign-up), so an application still waiting cannot act whatever the client shows.
    """
    volunteer = Volunteer.get_or_none(Volunteer.member == member.id)
    if volunteer is None:
        raise RuleBroken(f"请先登记志愿者，再{doing}", rule="volunteer_required")
    if volunteer.status == "pending":
        raise RuleBroken(f"您的志愿者申请正在审核中，请等待社区工作人员确认后再{doing}", rule="application_pending")
    if volunteer.status == "rejected":
        raise RuleBroken(f"您的志愿者申请没有通过，暂时不能{doing}。有疑问请联系社区服务站", rule="application_rejected")
    if volunteer.status != "active":
        raise RuleBroken(f"您现在不是在岗志愿者，不能{doing}", rule="volunteer_not_active")
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
    # Guarded: an application becomes active only through review(), even against a concurrent call.
    changed = (Volunteer.update(status=status, retired_reason=reason if status == "retired" else None,
                                status_note=note, status_changed_at=clock.now())
               .where(Volunteer.id == volunteer.id, Volunteer.status.not_in(APPLICATION_STATUSES)).execute())
    if not changed:
        raise Conflict("这份志愿者申请还没有审核通过，请先审核", rule="application_pending",
                       status=Volunteer.get_by_id(volunteer.id).status)
    return Volunteer.get_by_id(volunteer.id)


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
        "status_label": STATUS_LABELS.get(volunteer.status, volunteer.status),
        "reviewed_at": volunteer.reviewed_at,
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
