"""Who may see which personal field (PIPL; docs/decisions.md, sensitive data), and how the others see it masked."""

from server.models import Member

ERASED_NAME = "已注销用户"  # what an erased member is called wherever their name was shown


def mask_phone(phone: str) -> str:
    """13812345678 → 138****5678; short numbers are hidden whole."""
    if not phone:
        return ""
    if len(phone) < 8:
        return "*" * len(phone)
    return phone[:3] + "****" + phone[-4:]


def mask_name(name: str) -> str:
    """张三丰 → 张**: enough for neighbours to recognise, not to identify."""
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


def coordinates(viewer: Member | None, community_id: int | None) -> bool:
    """The viewer coordinates this community (admins coordinate every community)."""
    if viewer is None:
        return False
    if viewer.has_role("admin"):
        return True
    return viewer.has_role("coordinator") and viewer.community_id == community_id


def coordinator_ids(community_id: int) -> list[int]:
    """The members who coordinate a community: whom its alerts go to."""
    return [m.id for m in Member.select(Member.id).where(
        Member.community == community_id, Member.roles.contains("coordinator"), Member.erased_at.is_null())]


def may_see_private(viewer: Member | None, subject: Member) -> bool:
    """Phone, birth date, political status and health needs: the person and their coordinators."""
    if viewer is None:
        return False
    return viewer.id == subject.id or coordinates(viewer, subject.community_id)


def require_coordinator(actor: Member | None, community_id: int, message: str = "只有本社区服务站可以做这件事") -> None:
    """Forbidden unless the actor coordinates the community; None is the system itself (a scheduled job)."""
    from server.errors import Forbidden

    if actor is not None and not coordinates(actor, community_id):
        raise Forbidden(message)


def coordinated(viewer: Member, model, object_id: int):
    """A row of `model` (which has a community) for a coordinator of that community; else NotFound."""
    from server.errors import NotFound

    row = model.get_or_none(model.id == object_id)
    if row is None or not coordinates(viewer, row.community_id):
        raise NotFound()
    return row
