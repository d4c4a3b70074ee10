"""Public notices (公告) for residents, and their objections to proposed star awards."""

from flask.views import MethodView

from server.extensions import auth
from server.extensions.pager import KeysetPage, page_of
from server.extensions.smorest import Blueprint
from server.resources.notices.schemas import (
    NoticeBriefSchema,
    NoticeSchema,
    ObjectionCreateSchema,
    ObjectionSchema,
    QuarterSchema,
    ResolutionSchema,
)
from server.services.people import core as people
from server.services.recognition import notices

blp = Blueprint("notices", __name__, url_prefix="/api/v1", description="Public notices (公告) and objections")
auth.register_scope("notice_id", "Notice")
auth.register_scope("objection_id", "Objection")


class _Briefs(KeysetPage):
    keyset = notices.LISTING_ORDER

    @property
    def items(self):
        me = auth.current_member()
        return [notices.notice_view(n, me, brief=True) for n in super().items]


@blp.route("/notices")
class Notices(MethodView):
    @auth.roles(auth.RESIDENT, auth.COORDINATOR)
    @blp.response(200, page_of(NoticeBriefSchema, name="NoticePage"))
    @blp.paginate(_Briefs)
    def get(self):
        """My community's notices, newest first

        Titles and objection windows only; open a notice for its figures and awards.
        """
        return notices.listing(auth.current_member())


@blp.route("/notices/<int:notice_id>")
class NoticeDetail(MethodView):
    @auth.roles(auth.RESIDENT, auth.COORDINATOR)
    @blp.response(200, NoticeSchema)
    def get(self, notice_id):
        """A notice: the quarter's service by team, category and volunteer, and the proposed awards

        Names are masked (李**) unless the volunteer opted in to be named; an erased
        member reads 已注销用户. Coordinators also see how many objections are open.
        """
        me = auth.current_member()
        return notices.notice_view(notices.notice_for(me, notice_id), me)


@blp.route("/communities/<int:community_id>/notices")
class CommunityNotices(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.arguments(QuarterSchema)
    @blp.response(201, NoticeSchema)
    def post(self, body, community_id):
        """Publish an ended quarter's notice (again: the same notice)

        It lists the star awards proposed since the last notice; residents may object
        until `objection_until` (NOTICE_OBJECTION_DAYS).
        """
        me = auth.current_member()
        notice = notices.publish_quarterly(me, people.community_for(me, community_id), body["year"], body["quarter"])
        return notices.notice_view(notice, me)


@blp.route("/communities/<int:community_id>/notices/awards")
class AwardNotices(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.response(201, NoticeSchema)
    def post(self, community_id):
        """Publish the star awards proposed since the last notice, without waiting for the quarter

        Opens an objection window of NOTICE_OBJECTION_DAYS; 422 when nothing waits.
        """
        me = auth.current_member()
        return notices.notice_view(notices.publish_awards(me, people.community_for(me, community_id)), me)


@blp.route("/notices/<int:notice_id>/objections")
class NoticeObjections(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.response(200, ObjectionSchema(many=True))
    def get(self, notice_id):
        """The objections to a notice's awards (coordinators)

        Oldest first, with who objected, why, and how each was resolved.
        """
        me = auth.current_member()
        return [notices.objection_view(o) for o in notices.objections(me, notices.notice_for(me, notice_id))]

    @auth.roles(auth.RESIDENT)
    @blp.arguments(ObjectionCreateSchema)
    @blp.response(201, ObjectionSchema)
    def post(self, body, notice_id):
        """Object to a proposed star award, with a reason, while the notice is open

        Residents of the notice's community only; once per award; not to one's own.
        The coordinators are told. An open objection holds the award's approval.
        """
        me = auth.current_member()
        return notices.objection_view(notices.object_to(me, notices.notice_for(me, notice_id), **body))


@blp.route("/objections/<int:objection_id>/resolution")
class ObjectionResolution(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.arguments(ResolutionSchema)
    @blp.response(200, ObjectionSchema)
    def post(self, body, objection_id):
        """Resolve an objection: upheld rejects the award, dismissed lets it go ahead

        Once; the note is kept with the objection (and on the award when upheld).
        """
        me = auth.current_member()
        return notices.objection_view(notices.resolve(me, notices.objection_for(me, objection_id), **body))
