"""The coordinator's desk (服务站): records to review, held and unclaimed requests, today's visits, events."""

import marshmallow as ma
from flask.views import MethodView

from server.extensions import auth
from server.extensions.smorest import Blueprint, LocalDateTime, Schema
from server.resources.communities.schemas import OutlookWarningSchema
from server.resources.moves.schemas import MoveSchema
from server.resources.records.schemas import RecordSchema
from server.resources.redemption.schemas import CommunityHonourSchema
from server.resources.tasks.schemas import TaskDetailSchema
from server.services.board import desk

blp = Blueprint("desk", __name__, url_prefix="/api/v1/desk", description="Coordinator desk (服务站)")


class DeskEventSchema(Schema):
    id = ma.fields.Integer()
    title = ma.fields.String()
    starts_at = LocalDateTime()
    place = ma.fields.String()
    status = ma.fields.String()


class DeskSchema(Schema):
    payback_at_risk = ma.fields.List(ma.fields.Nested(TaskDetailSchema), metadata={
        "description": "Payback tasks nobody is assigned to, within `at_risk_hours` of their promise or past it "
                       "(soonest first, at most 50): assign a volunteer or a provider"})
    at_risk_hours = ma.fields.Integer(metadata={"description": "PAYBACK_AT_RISK_HOURS"})
    records_waiting = ma.fields.List(ma.fields.Nested(RecordSchema), metadata={
        "description": "Disputed, witnessed by an outsider, or late (补录): only the coordinator can settle them"})
    held_requests = ma.fields.List(ma.fields.Nested(TaskDetailSchema), metadata={"description": "Held by content review"})
    unclaimed_tasks = ma.fields.List(ma.fields.Nested(TaskDetailSchema), metadata={
        "description": "Open for longer than `unclaimed_after_minutes`"})
    unclaimed_after_minutes = ma.fields.Integer(metadata={
        "description": "How long a task waits before it counts as unclaimed here (ESCALATE_AFTER_MINUTES)"})
    todays_visits = ma.fields.List(ma.fields.Nested(TaskDetailSchema), metadata={"description": "Agreement visits today"})
    events = ma.fields.List(ma.fields.Nested(DeskEventSchema))
    honour = ma.fields.Nested(CommunityHonourSchema, metadata={
        "description": "This quarter's honour rate so far (兑付率), as /communities/{id}/redemption answers it"})
    outlook_warning = ma.fields.Nested(OutlookWarningSchema, allow_none=True, metadata={
        "description": "The outlook's warning (兑付能力预警) when it is red; null when green. "
                       "Details: GET /api/v1/communities/{id}/outlook"})
    moves_in = ma.fields.List(ma.fields.Nested(MoveSchema), metadata={
        "description": "Households asking to move into this community (迁入), waiting for this station to accept "
                       "(POST /moves/{id}/accept) or reject, oldest first (at most 50); each with its available "
                       "minutes and what still blocks it"})
    moves_out = ma.fields.List(ma.fields.Nested(MoveSchema), metadata={
        "description": "This community's households moving out (迁出), waiting for the other community's station, "
                       "oldest first (at most 50)"})


@blp.route("")
class Desk(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.response(200, DeskSchema)
    def get(self):
        """What needs me today: payback promises at risk, records to review, held and unclaimed requests, today's visits, events, 兑付率, the outlook's warning, moves waiting"""
        return desk.desk(auth.current_member())
