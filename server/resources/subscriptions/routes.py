"""Subscribe-message consent credits: record what the member accepted, show what is left."""

from flask.views import MethodView

from server import runtime
from server.extensions import auth
from server.extensions.smorest import Blueprint
from server.resources.subscriptions.schemas import SubscriptionReportSchema, SubscriptionSchema
from server.services.messaging import subscriptions

blp = Blueprint("subscriptions", __name__, url_prefix="/api/v1/subscriptions",
                description="WeChat subscribe-message consent (订阅消息)")


@blp.route("")
class Subscriptions(MethodView):
    @auth.roles(auth.MEMBER)
    @blp.response(200, SubscriptionSchema(many=True))
    def get(self):
        """My WeChat message consents: each template, its id and the sends left"""
        return subscriptions.credits_view(auth.current_member(), runtime.setting("WECHAT_TEMPLATE_IDS"))

    @auth.roles(auth.MEMBER)
    @blp.arguments(SubscriptionReportSchema)
    @blp.response(200, SubscriptionSchema(many=True))
    def post(self, body):
        """Report what wx.requestSubscribeMessage answered

        Each `accept` allows one WeChat message of that template (a one-time
        subscription); each message sent spends one. Other answers change nothing.
        """
        me = auth.current_member()
        subscriptions.record(me, body["results"])
        return subscriptions.credits_view(me, runtime.setting("WECHAT_TEMPLATE_IDS"))
