"""活动: the community's group activities — sign-ups, check-ins and closing one, which credits every
checked-in attendee once — through the events service the API calls."""

from flask import flash, redirect, render_template, request, url_for

from server.console import gate
from server.console.blueprint import bp
from server.console.tables import Column, Table
from server.extensions import auth
from server.services.board import events
from server.services.board.event_views import event_view, event_views

STATUS_LABELS = {"open": "报名中", "closed": "已结束", "cancelled": "已取消"}


def _table(me) -> Table:
    return Table("活动", [
        Column("id", "编号", link=lambda r: url_for("console.event", event_id=r["id"])), Column("title", "活动"),
        Column("starts_at", "时间"), Column("place", "地点"), Column("planned", "计划时长（小时）", lambda r: f"{r['planned_minutes'] / 60:.1f}"),
        Column("signed", "已报名"), Column("waitlisted", "候补"), Column("status", "状态", lambda r: STATUS_LABELS[r["status"]]),
    ], {"new": ("最近的在前", events.LISTING_ORDER)}, views=lambda rows: event_views(rows, me))


@bp.route("/events", endpoint="events")
@gate.staff
def events_page():
    """The community's activities, the latest first; export to Excel."""
    me = auth.current_member()
    table = _table(me)
    query = events.listing(me)
    if request.args.get("format") == "xlsx":
        return table.export(query, "events.xlsx")
    return render_template("console/events.html", title="活动", table=table.page(query))


@bp.route("/events/<int:event_id>", endpoint="event")
@gate.staff
def event_page(event_id):
    """One activity and its figures; the station closes it here after it took place."""
    me = auth.current_member()
    view = event_view(events.event_for(me, auth.scoped_object("event_id")), me)
    return render_template("console/event.html", title=view["title"], e=view, status_labels=STATUS_LABELS)


@bp.route("/events/<int:event_id>/close", methods=["POST"], endpoint="close_event")
@gate.staff
def close_event(event_id):
    """Credit every checked-in attendee once (the same close as the API's)."""
    me = auth.current_member()
    result = events.close(me, events.event_for(me, auth.scoped_object("event_id")))
    flash(f"活动已结束：这次为{result['credited_now']}位参加者记入时长，共{result['attended']}位参加")
    return redirect(url_for("console.event", event_id=event_id))
