"""Logging in to the station's web console by scanning (扫码登录): a pending login, and its approval."""

from flask.views import MethodView

from server.extensions import auth, limits
from server.extensions.smorest import Blueprint
from server.resources.console_sessions.schemas import ConsoleApprovalSchema, ConsoleLoginSchema
from server.services.people import console_sessions

blp = Blueprint("console_sessions", __name__, url_prefix="/api/v1/console-sessions",
                description="Console login by scanning (扫码登录)")


@blp.route("")
class ConsoleSessions(MethodView):
    @auth.public
    @limits.area(limits.LOGIN)
    @blp.response(200, ConsoleLoginSchema)
    def post(self):
        """Ask for a console login: a QR code to show, approved from the mini-program

        The console's login page shows `qr_payload` as a QR code; a coordinator or the admin scans it
        and approves it (`POST /console-sessions/{token}/approve`) within CONSOLE_LOGIN_MINUTES. Only
        the browser holding `poll_secret` can then take the session, once. Nothing is created that a
        retry could duplicate harmfully (an unused login just expires), so the answer is 200.
        """
        return console_sessions.start()


@blp.route("/<string:token>/approve")
class ConsoleSessionApprove(MethodView):
    @auth.roles(auth.COORDINATOR)
    @limits.area(limits.CODE)
    @blp.response(200, ConsoleApprovalSchema)
    def post(self, token):
        """Approve a console login shown as a QR code: the console becomes my session

        Coordinators and the admin only (403); once (409 `console_login_used`); within
        CONSOLE_LOGIN_MINUTES (422 `console_login_expired`); an unknown token is 404.
        """
        row = console_sessions.approve(auth.current_member(), token)
        return {"approved": True, "approved_at": row.approved_at, "member_name": auth.current_member().name}
