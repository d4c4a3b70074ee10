"""Contracted service providers (签约服务机构): who they are, what they serve, and who may keep the list.

A provider is a home-care company or social organisation a community contracts with and pays outside
Love Bank. A coordinator may assign it a payback task nobody took (server/services/board/assignment.py);
its service spends the household's hours and credits no one. Love Bank keeps no price: only the name, a
contact, the categories it serves and whether it still takes work. Only the community's coordinators
(and admins) see and keep the list: a provider is not a resident.
"""

from peewee import IntegrityError

from server.db import database
from server.errors import Conflict, Forbidden, NotFound, RuleBroken
from server.models import Community, Member, Provider, ProviderCategory, ServiceCategory
from server.services.board import catalog
from server.services.people import privacy

LIST_LIMIT = 200  # a community contracts a handful: the list is a bounded array


class DuplicateProvider(Conflict):
    """Two providers of one community with one name could not be told apart on the assign page."""

    rule = "duplicate_provider"


def provider_for(viewer: Member, provider_id: int | Provider) -> Provider:
    """The provider if the viewer coordinates its community (404 otherwise: ids cannot be probed)."""
    provider = provider_id if isinstance(provider_id, Provider) else Provider.get_or_none(Provider.id == provider_id)
    if provider is None or not privacy.coordinates(viewer, provider.community_id):
        raise NotFound()
    return provider


def listing(viewer: Member, *, active: bool | None = None, category_id: int | None = None) -> list[dict]:
    """The viewer's community's providers by name (an admin: every community's), at most LIST_LIMIT."""
    query = Provider.select()
    if not viewer.has_role("admin"):
        if not privacy.coordinates(viewer, viewer.community_id):
            raise Forbidden("只有服务站可以查看签约服务机构")
        query = query.where(Provider.community == viewer.community_id)
    if active is not None:
        query = query.where(Provider.active == active)
    if category_id is not None:
        query = query.where(Provider.id.in_(ProviderCategory.select(ProviderCategory.provider).where(
            ProviderCategory.category == category_id)))
    return views(query.order_by(Provider.community, Provider.name, Provider.id).limit(LIST_LIMIT))


def views(providers) -> list[dict]:
    providers = list(providers)
    categories: dict[int, list[int]] = {provider.id: [] for provider in providers}
    if providers:
        for link in ProviderCategory.select().where(ProviderCategory.provider.in_(list(categories))):
            categories[link.provider_id].append(link.category_id)
    return [_view(provider, categories[provider.id]) for provider in providers]


def view(provider: Provider) -> dict:
    return views([provider])[0]


def _view(provider: Provider, category_ids: list[int]) -> dict:
    return {
        "id": provider.id, "community_id": provider.community_id, "name": provider.name,
        "contact_name": provider.contact_name, "phone": provider.phone, "active": provider.active,
        "status_label": "服务中" if provider.active else "已停用",
        "categories": [{"id": cid, "code": catalog.category_code(cid), "name": catalog.category_name(cid)}
                       for cid in sorted(category_ids)],
        "created_at": provider.created_at,
    }


def _category_ids(ids: list[int]) -> list[int]:
    ids = sorted(set(ids))
    known = {c.id for c in ServiceCategory.select(ServiceCategory.id).where(ServiceCategory.id.in_(ids or [0]))}
    unknown = [i for i in ids if i not in known]
    if unknown:
        raise RuleBroken(f"没有这个服务类别（{unknown[0]}）", field="category_ids", rule="unknown_category")
    if not ids:
        raise RuleBroken("请至少选择一个服务类别", field="category_ids", rule="categories_required")
    return ids


def _duplicate(name: str) -> DuplicateProvider:
    return DuplicateProvider(f"本社区已有名为「{name}」的签约服务机构", field="name")


def create(actor: Member, data: dict) -> Provider:
    """A coordinator adds a provider to their community (an admin names the community)."""
    community_id = data.get("community_id") or actor.community_id
    if community_id is None or not Community.select().where(Community.id == community_id).exists():
        raise RuleBroken("请选择机构所在的社区", field="community_id", rule="unknown_community")
    if not privacy.coordinates(actor, community_id):
        raise Forbidden("只有本社区服务站可以添加签约服务机构")
    categories = _category_ids(data.get("category_ids") or [])
    name = data["name"].strip()
    if Provider.select().where(Provider.community == community_id, Provider.name == name).exists():
        raise _duplicate(name)
    try:
        with database.atomic():
            provider = Provider.create(community=community_id, name=name, contact_name=data.get("contact_name", ""),
                                       phone=data.get("phone", ""), active=data.get("active", True))
            ProviderCategory.insert_many([{"provider": provider.id, "category": c} for c in categories]).execute()
    except IntegrityError as error:  # a twin created at the same moment
        raise _duplicate(name) from error
    return provider


def update(actor: Member, provider: Provider, changes: dict) -> Provider:
    """Name, contact, phone, categories served, active (a provider is stopped, never deleted: tasks name it)."""
    provider = provider_for(actor, provider)
    fields = {key: changes[key] for key in ("name", "contact_name", "phone", "active") if key in changes}
    if "name" in fields:
        fields["name"] = fields["name"].strip()
        if Provider.select().where(Provider.community == provider.community_id, Provider.name == fields["name"],
                                   Provider.id != provider.id).exists():
            raise _duplicate(fields["name"])
    categories = _category_ids(changes["category_ids"]) if "category_ids" in changes else None
    try:
        with database.atomic():
            if fields:
                Provider.update(**fields).where(Provider.id == provider.id).execute()
            if categories is not None:
                ProviderCategory.delete().where(ProviderCategory.provider == provider.id).execute()
                ProviderCategory.insert_many([{"provider": provider.id, "category": c} for c in categories]).execute()
    except IntegrityError as error:
        raise _duplicate(fields.get("name", provider.name)) from error
    return Provider.get_by_id(provider.id)


def serves(provider: Provider, category_id: int) -> bool:
    return ProviderCategory.select().where(ProviderCategory.provider == provider.id,
                                           ProviderCategory.category == category_id).exists()
