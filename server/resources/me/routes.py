"""The logged-in member: who am I, and edit my details."""

from flask.views import MethodView

from server.extensions import auth
from server.extensions.files import download
from server.extensions.smorest import Blueprint
from server.resources.me.schemas import ErasedSchema, ErasureSchema, MeSchema, MeUpdateSchema
from server.services.people import core as people
from server.services.people import data_rights, me
from server.services.people.me import me_view

blp = Blueprint("me", __name__, url_prefix="/api/v1/me", description="The logged-in member")


@blp.route("")
class Me(MethodView):
    @auth.roles(auth.MEMBER, member=me.signed_in)
    @blp.response(200, MeSchema)
    def get(self):
        """Who am I: roles, household, community and volunteer status"""
        return me_view(auth.current_member())

    @auth.roles(auth.MEMBER)
    @blp.arguments(MeUpdateSchema)
    @blp.response(200, MeSchema)
    def patch(self, body):
        """Edit my details and consents

        Health needs are kept only after `consent_health: true`; `consent_health: false`
        erases them.
        """
        return me_view(people.update_me(auth.current_member(), body))


@blp.route("/export")
class MyData(MethodView):
    @auth.roles(auth.MEMBER)
    @blp.response(200, {"type": "object", "description": "Named sections, each a list or an object"},
                  description="All my data as a JSON file (an attachment)", content_type="application/json")
    def get(self):
        """Download all my data (JSON): profile, household, records, passbook, notifications, consents

        Sections: profile, consents, volunteer, household, records_served,
        records_witnessed, records_received, passbook, notifications, star_awards,
        objections, audit_visits — and those other areas add.
        """
        me = auth.current_member()
        return download(data_rights.export_json(me), f"爱心银行个人数据-{me.id}.json", "application/json")


@blp.route("/erasure")
class MyErasure(MethodView):
    @auth.roles(auth.MEMBER)
    @blp.arguments(ErasureSchema)
    @blp.response(200, ErasedSchema)
    def post(self, body):
        """Erase my personal data (注销): cannot be undone

        Name, phone, birth date, health needs, political status and WeChat identity are
        erased and every login token stops working. The household's passbook keeps its
        hours: ledger entries are never dropped, the name on them is replaced.
        """
        erased = data_rights.erase(auth.current_member())
        return {"erased": True, "erased_at": erased.erased_at}
