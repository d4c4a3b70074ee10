"""Contracted service providers (签约服务机构): the community's list, add and change (coordinators)."""

from flask.views import MethodView

from server.extensions import auth
from server.extensions.smorest import Blueprint
from server.resources.providers.schemas import (
    ProviderCreateSchema,
    ProviderEditSchema,
    ProviderQuerySchema,
    ProviderSchema,
)
from server.services.board import providers

blp = Blueprint("providers", __name__, url_prefix="/api/v1/providers",
                description="Contracted service providers (签约服务机构)")
auth.register_scope("provider_id", "Provider")


@blp.route("")
class Providers(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.arguments(ProviderQuerySchema, location="query")
    @blp.response(200, ProviderSchema(many=True))
    def get(self, query):
        """My community's providers, by name (an admin: every community's)

        A bounded list (at most 200): a community contracts a handful. Filter by `active`
        or by the category a task needs (`category_id`), as the assign page does.
        """
        return providers.listing(auth.current_member(), **query)

    @auth.roles(auth.COORDINATOR)
    @blp.arguments(ProviderCreateSchema)
    @blp.response(201, ProviderSchema)
    def post(self, body):
        """Add a provider to my community

        A home-care company or social organisation the community contracts with and pays
        outside Love Bank: its name (unique in the community, 409 otherwise), a contact,
        the categories it serves. No price: hours have no cash value.
        """
        return providers.view(providers.create(auth.current_member(), body))


@blp.route("/<int:provider_id>")
class ProviderDetail(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.arguments(ProviderEditSchema)
    @blp.response(200, ProviderSchema)
    def patch(self, body, provider_id):
        """Change a provider's name, contact, categories, or stop it (active: false)

        A provider is never deleted (tasks and records name it); a stopped one cannot be assigned.
        """
        me = auth.current_member()
        return providers.view(providers.update(me, auth.scoped_object("provider_id"), body))
