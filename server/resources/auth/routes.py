"""Login: WeChat code2session, and a development login that exists only when enabled."""

from flask import g
from flask.views import MethodView

from server import runtime
from server.extensions import auth, limits
from server.extensions.smorest import Blueprint
from server.redis_conn import get_redis, resolve_url
from server.resources.auth.schemas import DemoLoginSchema, DevLoginSchema, TokenSchema, WeChatLoginSchema
from server.services.messaging.wechat import make_client
from server.services.people import auth as auth_service
from server.services.people import demo
from server.services.people.me import me_view

blp = Blueprint("auth", __name__, url_prefix="/api/v1/auth", description="Login")


def _token_answer(member):
    g.member = member
    return {
        "token": auth.issue_token(member),
        "expires_in": runtime.setting("TOKEN_TTL_SECONDS"),
        "member": me_view(member),
    }


@blp.route("/wechat")
class WeChatLogin(MethodView):
    @auth.public
    @limits.area(limits.LOGIN)
    @blp.arguments(WeChatLoginSchema)
    @blp.response(200, TokenSchema)
    def post(self, body):
        """Log in with a wx.login code

        The server exchanges the code with WeChat (code2session) and answers with its
        own signed token. WeChat's refusals: invalid code → 401, too frequent → 429,
        anything else → 502.
        """
        redis = get_redis(resolve_url(runtime.setting("REDIS_URL")))
        client = make_client(redis)
        return _token_answer(auth_service.wechat_login(client, body["code"]))


def dev_blueprint() -> Blueprint:
    """A fresh blueprint per app, made only when DEV_LOGIN is on: otherwise the routes do not exist."""
    bp = Blueprint("dev_auth", __name__, url_prefix="/api/v1/auth", description="Development login")

    @bp.route("/dev-login")
    class DevLogin(MethodView):
        @auth.public
        @limits.area(limits.LOGIN)
        @bp.arguments(DevLoginSchema)
        @bp.response(200, TokenSchema)
        def post(self, body):
            """Log in as a demo member (development only)"""
            return _token_answer(auth_service.dev_login(body["handle"]))

    @bp.route("/dev-logins")
    class DevLogins(MethodView):
        @auth.public
        @bp.response(200, DemoLoginSchema(many=True))
        def get(self):
            """The demo handles the development login accepts"""
            return demo.demo_logins()

    return bp
