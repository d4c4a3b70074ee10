"""今日工作台: what needs the coordinator today, the same answer as the mini-program's station page."""

from flask import render_template

from server.console import gate
from server.console.blueprint import bp
from server.extensions import auth
from server.services.board import desk as desk_service


@bp.route("/")
@gate.staff
def desk():
    """Payback promises at risk, records to review, held and unclaimed requests, today's visits, events."""
    return render_template("console/desk.html", title="今日工作台", desk=desk_service.desk(auth.current_member()))
