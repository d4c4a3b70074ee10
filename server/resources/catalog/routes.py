"""The service menu: 8 categories with their items, and the volunteer teams."""

from flask.views import MethodView

from server.extensions import auth
from server.extensions.smorest import Blueprint
from server.resources.catalog.schemas import CatalogSchema
from server.services.board import catalog

blp = Blueprint("catalog", __name__, url_prefix="/api/v1/catalog", description="Service menu (服务菜单)")


@blp.route("")
class Catalog(MethodView):
    @auth.public
    @blp.response(200, CatalogSchema)
    def get(self):
        """Service categories with their items, and the seeded teams

        Public: the menu is shown before login. A community's own teams are listed
        by `GET /api/v1/teams`.
        """
        return catalog.menu(None)
