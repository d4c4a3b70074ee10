"""The coordinator's desk (服务站): records to review, held and unclaimed requests, today's visits, events."""

import marshmallow as ma
from flask.views import MethodView

from server.extensions import auth
from server.extensions.smorest import Blueprint, LocalDateTime, Schema
from server.resources.communities.schemas import OutlookWarningSchema
from server.resources.records.schemas import RecordSchema
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
    records_waiting = ma.fields.List(ma.fields.Nested(RecordSchema), metadata={
        "description": "Disputed, witnessed by an outsider, or late (补录): only the coordinator can settle them"})
    held_requests = ma.fields.List(ma.fields.Nested(TaskDetailSchema), metadata={"description": "Held by content review"})
    unclaimed_tasks = ma.fields.List(ma.fields.Nested(TaskDetailSchema), metadata={
        "description": "Open for longer than `unclaimed_after_minutes`"})
    unclaimed_after_minutes = ma.fields.Integer(metadata={
        "description": "How long a task waits before it counts as unclaimed here (ESCALATE_AFTER_MINUTES)"})
    todays_visits = ma.fields.List(ma.fields.Nested(TaskDetailSchema), metadata={"description": "Agreement visits today"})
    events = ma.fields.List(ma.fields.Nested(DeskEventSchema))
    outlook_warning = ma.fields.Nested(OutlookWarningSchema, allow_none=True, metadata={
        "description": "The outlook's warning (兑付能力预警) when it is red; null when green. "
                       "Details: GET /api/v1/communities/{id}/outlook"})


@blp.route("")
class Desk(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.response(200, DeskSchema)
    def get(self):
        """What needs me today: records to review, held and unclaimed requests, visits, events, the outlook's warning"""
        return desk.desk(auth.current_member())
