"""Households (开户, invite codes, family members) and a member's own details and consents."""

import secrets

from server import clock
from server.db import Prepared, database, is_postgres
from server.errors import Conflict, Forbidden, NotFound, RuleBroken
from server.keyset import Keyset
from server.models import Community, Household, Member, Volunteer
from server.services.people import date_bounds, privacy, sms_consent

# No 0/O, 1/I/L: the code is read aloud and typed by elderly residents.
_INVITE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
_household_opened_hooks = []


def on_household_opened(hook) -> None:
    """Other areas (the ledger opens the household's account) join the same transaction."""
    _household_opened_hooks.append(hook)


class HouseholdClosed(Conflict):
    """Nobody joins, or names as a relative, a household closed after its last member was erased."""

    rule = "household_closed"

    def __init__(self, field: str = "invite_code"):
        super().__init__("这个家庭账户已经注销关闭，不能再加入或往来", field=field)


def lock_household(household_id: int) -> Household:
    """The household's row, locked until the transaction ends (PostgreSQL; SQLite's writing transaction
    already holds the lock): a join and the erasure that would close the household go one after the other."""
    query = Household.select().where(Household.id == household_id)
    return (query.for_update() if is_postgres() else query).get()


def place_volunteers(household_id: int) -> None:
    """The household's building and area onto its members' volunteer profiles (matching finds a task's
    neighbours by them there: server/services/board/match_score.py). Called in the transaction that
    gives a household its address, a member a household, or takes the address away."""
    building, area = Household.select(Household.building, Household.area).where(
        Household.id == household_id).tuples().get()
    Volunteer.update(building=building, area=area).where(
        Volunteer.member.in_(Member.select(Member.id).where(Member.household == household_id)),
        (Volunteer.building != building) | (Volunteer.area != area)).execute()


def new_invite_code() -> str:
    return "".join(secrets.choice(_INVITE_ALPHABET) for _ in range(8))


def add_role(member: Member, role: str) -> None:
    if not member.has_role(role):
        member.roles = ",".join(sorted(member.role_set | {role}))


def open_household(member: Member, *, community_id: int, name: str, building="", unit="", room="", area="") -> Household:
    """开户: the member opens a household account in a community and becomes its head."""
    if member.household_id is not None:
        raise Conflict("您已经在一个家庭账户里了，不能重复开户", rule="already_in_household")
    community = Community.get_or_none(Community.id == community_id)
    if community is None:
        raise RuleBroken("没有这个社区", field="community_id", rule="unknown_community")
    if member.community_id not in (None, community.id) and not member.has_role("admin"):
        raise RuleBroken("只能在自己所在的社区开户", field="community_id", rule="other_community")
    with database.atomic():
        household = Household.create(
            community=community, name=name, building=building, unit=unit, room=room, area=area,
            invite_code=new_invite_code(),
        )
        member.household = household
        member.community = community
        member.is_head = True
        member.relation = member.relation or "本人"
        add_role(member, "resident")
        member.save()
        place_volunteers(household.id)
        for hook in _household_opened_hooks:
            hook(household)
    return household


def join_household(member: Member, *, invite_code: str, relation: str) -> Household:
    if member.household_id is not None:
        raise Conflict("您已经在一个家庭账户里了", rule="already_in_household")
    household = Household.get_or_none(Household.invite_code == invite_code.strip().upper())
    if household is None:
        raise RuleBroken("邀请码不对，请向家人核对", field="invite_code", rule="bad_invite_code")
    if member.community_id not in (None, household.community_id) and not member.has_role("admin"):
        raise RuleBroken("这个家庭在别的社区", field="invite_code", rule="other_community")
    with database.atomic():
        if lock_household(household.id).closed_at is not None:
            raise HouseholdClosed()
        member.household = household
        member.community = household.community_id
        member.relation = relation
        member.is_head = False
        add_role(member, "resident")
        member.save()
        place_volunteers(household.id)
    return household


_HOUSEHOLD_BY_ID = Prepared(lambda household_id: Household.select().where(Household.id == household_id))


def own_household(member: Member) -> Household:
    """The member's own household, or the rule they break by having none (an admin passes the
    residents' gate without one)."""
    if member.household_id is None:
        raise RuleBroken("请先开户或加入家庭", rule="household_required")
    return Household.get_by_id(member.household_id)


def own_household_id(member: Member) -> int:
    """As `own_household`, without loading it (the passbook reads what it prints in its own query)."""
    if member.household_id is None:
        raise RuleBroken("请先开户或加入家庭", rule="household_required")
    return member.household_id


def household_for(viewer: Member, household_id: int | Household) -> Household:
    """The household (by id, or as the auth gate loaded it), if the viewer belongs to it or
    coordinates its community."""
    household = household_id if isinstance(household_id, Household) else _HOUSEHOLD_BY_ID.first(household_id)
    if household is None:
        raise NotFound()
    if viewer.household_id != household.id and not privacy.coordinates(viewer, household.community_id):
        raise NotFound()
    return household


def named_household(viewer: Member, household_id: int, field: str = "household_id") -> Household:
    """A household named in a body: missing or not the viewer's to see is a bad field (422), not a missing URL."""
    try:
        return household_for(viewer, household_id)
    except NotFound:
        raise RuleBroken("没有这个家庭，或不在您的社区", field=field, rule="unknown_household") from None


def community_member(member_id: int, community_id: int, field: str) -> Member:
    """A member named in a body (witness, recipient, volunteer …): 422 naming `field` unless in the community."""
    member = Member.get_or_none(Member.id == member_id, Member.erased_at.is_null())
    if member is None or member.community_id != community_id:
        raise RuleBroken("这个人不在本社区", field=field, rule="unknown_member")
    return member


def add_dependent(actor: Member, household: Household, **fields) -> Member:
    """A family member without a phone, whom the family and coordinators act for (亲情代理)."""
    if actor.household_id != household.id and not privacy.coordinates(actor, household.community_id):
        raise Forbidden("只有家庭成员或服务站可以添加家人")
    date_bounds.birth_date(fields.get("birth_date"))
    return Member.create(household=household, community=household.community_id, roles="resident", **fields)


def regenerate_invite(actor: Member, household: Household) -> Household:
    if not (actor.household_id == household.id and actor.is_head) and not privacy.coordinates(
        actor, household.community_id
    ):
        raise Forbidden("只有户主或服务站可以更换邀请码")
    if household.closed_at is not None:
        raise HouseholdClosed()
    household.invite_code = new_invite_code()
    household.save()
    return household


def update_me(member: Member, fields: dict) -> Member:
    """Edit one's own details. Health needs are kept only with separate consent (PIPL)."""
    date_bounds.birth_date(fields.get("birth_date"))
    consent = fields.pop("consent_health", None)
    with database.atomic():
        if consent is False:
            member.consent_health_at = None
            member.health_needs = None
        elif consent is True and member.consent_health_at is None:
            member.consent_health_at = clock.now()
        if "health_needs" in fields:
            if member.consent_health_at is None and fields["health_needs"]:
                raise RuleBroken(
                    "填写健康需求前，请先单独同意我们保存这项信息", field="health_needs", rule="consent_required"
                )
            member.health_needs = fields.pop("health_needs") or None
        if fields.pop("agree_privacy", None):
            member.privacy_agreed_at = member.privacy_agreed_at or clock.now()
        for key, value in fields.items():
            setattr(member, key, value)
        member.save()
    return member


def member_view(member: Member, viewer: Member | None) -> dict:
    """A member as `viewer` may see them."""
    private = privacy.may_see_private(viewer, member)
    view = {
        "id": member.id,
        "name": member.name if private or viewer is not None else privacy.mask_name(member.name),
        "gender": member.gender,
        "relation": member.relation,
        "is_head": member.is_head,
        "household_id": member.household_id,
        "community_id": member.community_id,
        "roles": sorted(member.role_set),
        "uses_wechat": member.openid is not None or member.handle is not None,
        "phone": member.phone if private else privacy.mask_phone(member.phone),
        "birth_date": member.birth_date if private else None,
        "age": clock.age_on(member.birth_date),
    }
    if private:
        view["health_needs"] = member.health_needs
        view["consent_health"] = member.consent_health_at is not None
        view["privacy_agreed"] = member.privacy_agreed_at is not None
    return view


def household_view(household: Household, viewer: Member) -> dict:
    members = list(Member.select().where(Member.household == household, Member.erased_at.is_null()).order_by(Member.id))
    texted = sms_consent.enabled_among([m.id for m in members])
    return {
        "id": household.id,
        "community_id": household.community_id,
        "community_name": household.community.name,
        "name": household.name,
        "building": household.building,
        "unit": household.unit,
        "room": household.room,
        "area": household.area,
        "invite_code": household.invite_code if household.closed_at is None else None,
        "opened_at": household.opened_at,
        "closed_at": household.closed_at,
        "members": [_with_sms(member_view(m, viewer), m.id in texted) for m in members],
    }


def _with_sms(view: dict, enabled: bool) -> dict:
    """Whether texts (短信提醒) reach this member, for whoever may see their private fields."""
    if "privacy_agreed" in view:
        view["sms_enabled"] = enabled
    return view


def communities() -> list[Community]:
    """Every community (names only are shown), to choose one when opening a household."""
    return list(Community.select().order_by(Community.id))


def community_scope(community_id: int) -> int | None:
    """The auth gate's scope for /communities/<id>/…: the community's own id, None when there is none."""
    return Community.select(Community.id).where(Community.id == community_id).scalar()


def community_for(viewer: Member, community_id: int) -> Community:
    """A community the viewer coordinates (admins: any); missing or another's is NotFound.

    Routes under /communities/<id>/ have already passed the auth gate's scope: this only loads the row.
    """
    community = Community.get_or_none(Community.id == community_id)
    if community is None or (viewer.community_id != community.id and not viewer.has_role("admin")):
        raise NotFound()
    return community


HOUSEHOLD_ORDER = Keyset(Household.id)  # oldest first


def households(viewer: Member):
    """The households of the viewer's community, oldest first (a query: the pager adds HOUSEHOLD_ORDER's key)."""
    return Household.select().where(Household.community == viewer.community_id).order_by(Household.id)


def create_community(*, name: str, code: str, district: str = "") -> Community:
    if Community.select().where((Community.name == name) | (Community.code == code)).exists():
        raise Conflict("已经有同名或同代码的社区", field="code", rule="community_exists")
    with database.atomic():
        community = Community.create(name=name, code=code, district=district)
        for hook in _community_created_hooks:
            hook(community)
    return community


_community_created_hooks = []


def on_community_created(hook) -> None:
    """The ledger opens the community's system accounts in the same transaction."""
    _community_created_hooks.append(hook)


def set_roles(member: Member, *, roles: list[str], community_id: int | None) -> Member:
    """Admins appoint coordinators (and other admins) and place them in a community."""
    if "coordinator" in roles and community_id is None and member.community_id is None:
        raise RuleBroken("服务站人员需要指定所属社区", field="community_id", rule="community_required")
    if community_id is not None:
        if not Community.select().where(Community.id == community_id).exists():
            raise RuleBroken("没有这个社区", field="community_id", rule="unknown_community")
        if member.household_id is not None and member.household.community_id != community_id:
            raise RuleBroken("这位成员的家庭在别的社区", field="community_id", rule="other_community")
        member.community = community_id
    # Residence and a volunteer profile are facts, not grants: they stay.
    keep = member.role_set & {"resident", "volunteer"}
    member.roles = ",".join(sorted(set(roles) | keep))
    member.save()
    return member


def member_for(viewer: Member, member_id: int) -> Member:
    member = Member.get_or_none(Member.id == member_id)
    if member is None or (viewer.id != member.id and not privacy.coordinates(viewer, member.community_id)):
        raise NotFound()
    return member


def coordinators_of(community_id: int) -> list[Member]:
    """The community's coordinators (not admins), oldest first: who is told and who is assigned."""
    query = Member.select().where(Member.community == community_id, Member.erased_at.is_null()).order_by(Member.id)
    return [member for member in query if member.has_role("coordinator")]
