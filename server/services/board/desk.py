"""服务站 desk: what the coordinator should look at today, in one answer."""

import datetime as dt

from server import clock, runtime
from server.models import Event, ServiceRecord, Task
from server.services.board import core as board
from server.services.board import promise, redemption_report
from server.services.board.record_views import record_views
from server.services.ledger import moves
from server.services.oversight import outlook
from server.services.people import privacy


def desk(viewer) -> dict:
    community = viewer.community_id
    if not privacy.coordinates(viewer, community):
        return {}
    now = clock.now()
    # the same wait after which matching asks the next volunteers (round 2)
    unclaimed_minutes = runtime.setting("ESCALATE_AFTER_MINUTES")
    unclaimed_after = dt.timedelta(minutes=unclaimed_minutes)
    waiting = (ServiceRecord.select().where(
        ServiceRecord.community == community,
        (ServiceRecord.status == "disputed")
        | ((ServiceRecord.status == "reported") & ServiceRecord.witness.is_null())
        | ((ServiceRecord.status.in_(["reported", "confirmed"])) & (ServiceRecord.needs_approval == True)))  # noqa: E712
        .order_by(ServiceRecord.id).limit(50))
    held = Task.select().where(Task.community == community, Task.status == "open", Task.held == True)  # noqa: E712
    unclaimed = (Task.select().where(Task.community == community, Task.status == "open", Task.held == False,  # noqa: E712
                                     Task.created_at < now - unclaimed_after)
                 .order_by(Task.board_order, Task.created_at).limit(50))
    start = dt.datetime.combine(now.date(), dt.time())
    visits = (Task.select().where(Task.community == community, Task.source == "agreement",
                                  Task.window_start >= start, Task.window_start < start + dt.timedelta(days=1))
              .order_by(Task.window_start))
    events = (Event.select().where(Event.community == community, Event.status == "open",
                                   Event.starts_at >= start - dt.timedelta(days=1))
              .order_by(Event.starts_at).limit(10))
    at_risk = promise.at_risk_for_desk(community, now)
    return {
        "payback_at_risk": [board.task_view(t, viewer) for t in at_risk],
        "at_risk_hours": runtime.setting("PAYBACK_AT_RISK_HOURS"),
        "records_waiting": record_views(list(waiting)),
        "held_requests": [board.task_view(t, viewer) for t in held],
        "unclaimed_tasks": [board.task_view(t, viewer) for t in unclaimed],
        "unclaimed_after_minutes": unclaimed_minutes,
        "todays_visits": [board.task_view(t, viewer) for t in visits],
        "events": [{"id": e.id, "title": e.title, "starts_at": e.starts_at, "place": e.place, "status": e.status}
                   for e in events],
        "honour": redemption_report.this_quarter(community),
        "outlook_warning": outlook.warning_card(community),
        "moves_in": [moves.move_view(m) for m in moves.waiting_for(community)],
        "moves_out": [moves.move_view(m) for m in moves.waiting_elsewhere(community)],
    }
