"""The task board (任务大厅) and each task's lifecycle: claim, check in, check out, release, cancel, assign."""

from flask.views import MethodView

from server.extensions import auth, limits
from server.extensions.smorest import Blueprint
from server.resources.records.schemas import QRSchema
from server.resources.tasks.schemas import (
    AssignSchema,
    BoardQuerySchema,
    BoardSchema,
    CandidatesSchema,
    CheckInSchema,
    CheckOutSchema,
    NoteSchema,
    ProviderServiceSchema,
    TaskDetailSchema,
    TaskSchema,
)
from server.services.board import assignment, bookings, matching, network_tasks, tasks
from server.services.board import core as board
from server.services.board.record_views import record_view

blp = Blueprint("tasks", __name__, url_prefix="/api/v1/tasks", description="Task board (任务大厅)")
auth.register_scope("task_id", "Task", shared_with=network_tasks.task_shared_with)


def _task():
    return tasks.task_for(auth.current_member(), auth.scoped_object("task_id"))


def _view(task):
    return board.task_view(task, auth.current_member())


@blp.route("")
class Board(MethodView):
    @auth.roles(auth.VOLUNTEER, auth.COORDINATOR)
    @blp.arguments(BoardQuerySchema, location="query")
    @blp.response(200, BoardSchema)
    @blp.paginate(keyset=board.ORDER, max_limit=50)
    def get(self, query, pagination_parameters):
        """Open tasks I may take: payback first, then urgent, then longest waiting

        Team requirements are respected; the recipient's name, unit and phone stay
        masked until the task is claimed. Keyset pages: pass `next_cursor` back as `cursor`.
        """
        items, pagination_parameters.next_after = board.listing(
            auth.current_member(), after=pagination_parameters.after, limit=pagination_parameters.limit, **query)
        return items


@blp.route("/mine")
class MyTasks(MethodView):
    @auth.roles(auth.VOLUNTEER)
    @blp.response(200, TaskSchema(many=True))
    def get(self):
        """My tasks still ahead (claimed, in progress, waiting for confirmation), soonest first"""
        return board.mine(auth.current_member())


@blp.route("/<int:task_id>")
class TaskDetail(MethodView):
    @auth.roles(auth.MEMBER)
    @blp.response(200, TaskDetailSchema)
    def get(self, task_id):
        """One task (volunteers of the community, the recipient's family, coordinators)"""
        return _view(_task())


@blp.route("/<int:task_id>/claim")
class TaskClaim(MethodView):
    @auth.roles(auth.VOLUNTEER)
    @blp.response(200, TaskDetailSchema)
    def post(self, task_id):
        """Claim an open task (of many volunteers claiming at once exactly one wins)

        An illegal step answers 409 with the task's current state in `errors.details`.
        """
        return _view(tasks.claim(auth.current_member(), _task()))


@blp.route("/<int:task_id>/release")
class TaskRelease(MethodView):
    @auth.roles(auth.VOLUNTEER)
    @blp.response(200, TaskDetailSchema)
    def post(self, task_id):
        """Give a claimed task back to the board"""
        return _view(tasks.release(auth.current_member(), _task()))


@blp.route("/<int:task_id>/pass")
class TaskPass(MethodView):
    @auth.roles(auth.VOLUNTEER)
    @blp.response(200, TaskDetailSchema)
    def post(self, task_id):
        """The preferred volunteer (指定服务人) cannot come: the others are asked now

        A payback task that names me is reserved for me until `reserved_until`; passing on it ends
        the reservation at once and matching asks the others as usual (I am not asked again).
        """
        return _view(matching.pass_preferred(auth.current_member(), _task()))


@blp.route("/<int:task_id>/check-in")
class TaskCheckIn(MethodView):
    @auth.roles(auth.VOLUNTEER)
    @limits.area(limits.CODE)
    @blp.arguments(CheckInSchema)
    @blp.response(200, TaskDetailSchema)
    def post(self, body, task_id):
        """Check in: the server notes the time (scan the recipient's or coordinator's QR to vouch for it)

        At most 3 check-in/check-out pairs per task and day; one visit open at a time.
        """
        return _view(tasks.check_in(auth.current_member(), _task(), token=body["token"]))


@blp.route("/<int:task_id>/check-out")
class TaskCheckOut(MethodView):
    @auth.roles(auth.VOLUNTEER)
    @blp.response(200, CheckOutSchema)
    def post(self, task_id):
        """Check out: the measured service becomes a record for the recipient to confirm"""
        task, record = tasks.check_out(auth.current_member(), _task())
        return {"task": _view(task), "record": record_view(record)}


@blp.route("/<int:task_id>/checkin-qr")
class TaskCheckInQR(MethodView):
    @auth.roles(auth.RESIDENT, auth.COORDINATOR)
    @blp.response(200, QRSchema)
    def post(self, task_id):
        """A short-lived check-in QR for the recipient's family (or the coordinator) to show"""
        token, expires_at = tasks.checkin_token(auth.current_member(), _task())
        return {"token": token, "expires_at": expires_at}


@blp.route("/<int:task_id>/cancel")
class TaskCancel(MethodView):
    @auth.roles(auth.RESIDENT, auth.COORDINATOR)
    @blp.arguments(NoteSchema)
    @blp.response(200, TaskDetailSchema)
    def post(self, body, task_id):
        """Cancel a task not yet started (the recipient's family or the coordinator)"""
        return _view(tasks.cancel(auth.current_member(), _task(), reason=body["reason"]))


@blp.route("/<int:task_id>/no-show")
class TaskNoShow(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.arguments(NoteSchema)
    @blp.response(200, TaskDetailSchema)
    def post(self, body, task_id):
        """The volunteer did not come (counts against their reliability; a payback hold is released)"""
        return _view(tasks.mark_no_show(auth.current_member(), _task(), note=body["reason"]))


@blp.route("/<int:task_id>/publish")
class TaskPublish(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.response(200, TaskDetailSchema)
    def post(self, task_id):
        """Publish a request held for content review"""
        return _view(bookings.release_held(auth.current_member(), _task()))


@blp.route("/<int:task_id>/candidates")
class TaskCandidates(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.response(200, CandidatesSchema)
    def get(self, task_id):
        """Whom matching asked to take this task, round by round, and why

        Each time the task opened (booked, published, released, reopened after a no-show):
        the volunteers asked in round 1 and, if nobody took it in time, round 2, best
        first, with the score's components (fit, availability, proximity, fairness,
        reliability, stars: each 0–1 × its weight, with a note in words) and whether the
        coordinators were alerted. The formula is in the README (Matching).
        """
        return matching.candidates_view(auth.current_member(), _task())


@blp.route("/<int:task_id>/assign")
class TaskAssign(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.arguments(AssignSchema)
    @blp.response(200, TaskDetailSchema)
    def post(self, body, task_id):
        """Assign an open task to a volunteer or to a contracted provider (指派)

        Exactly one of `volunteer_id` and `provider_id` (422 naming the field otherwise); an open
        task only (409 with its state otherwise). A volunteer must be active in the community and
        may take it under the claim's rules; they are told at once and may decline. A provider must
        be active and serve the task's category. The recipient's family hears who is coming.
        """
        return _view(assignment.assign(auth.current_member(), _task(), **body))


@blp.route("/<int:task_id>/decline")
class TaskDecline(MethodView):
    @auth.roles(auth.VOLUNTEER)
    @blp.arguments(NoteSchema)
    @blp.response(200, TaskDetailSchema)
    def post(self, body, task_id):
        """Decline a task a coordinator assigned me (婉拒)

        The task goes back on the board, matching goes on without asking me again, and the
        coordinators are told. A task I claimed myself is given back with `release` instead.
        """
        return _view(assignment.decline(auth.current_member(), _task(), reason=body["reason"]))


@blp.route("/<int:task_id>/provider-service")
class TaskProviderService(MethodView):
    @auth.roles(auth.COORDINATOR)
    @blp.arguments(ProviderServiceSchema)
    @blp.response(200, CheckOutSchema)
    def post(self, body, task_id):
        """Record the assigned provider's visit (times and what was done)

        The recipient or family confirms it like any record (tap, or the coordinator's QR);
        then a payback hold is spent for the minutes served (rounded down to the step, at most
        those held) and nobody is credited: a provider's service is not a volunteer's.
        """
        record = assignment.report_service(auth.current_member(), _task(), **body)
        return {"task": _view(record.task_id), "record": record_view(record)}
