"""The in-app inbox: my notifications, the unread badge, marking read."""

from flask.views import MethodView

from server.extensions import auth
from server.extensions.pager import keyset_page
from server.extensions.smorest import Blueprint
from server.resources.notifications.schemas import (
    InboxPageSchema,
    InboxQuerySchema,
    MarkAllReadSchema,
    MarkedSchema,
    MarkReadSchema,
    NotificationSchema,
    UnreadSchema,
)
from server.services.messaging import notifications

blp = Blueprint("notifications", __name__, url_prefix="/api/v1/notifications", description="Inbox (消息)")


@blp.route("")
class Inbox(MethodView):
    @auth.roles(auth.MEMBER)
    @blp.arguments(InboxQuerySchema, location="query")
    @blp.response(200, InboxPageSchema)
    @blp.paginate(keyset_page(notifications.INBOX_ORDER))
    def get(self, query):
        """My notifications, newest first

        Keyset pages: pass the answer's `next_cursor` back as `cursor` for older ones; a
        notification arriving meanwhile never shifts a page.
        """
        return notifications.inbox(auth.current_member(), **query)


@blp.route("/unread-count")
class UnreadCount(MethodView):
    @auth.roles(auth.MEMBER)
    @blp.response(200, UnreadSchema)
    def get(self):
        """How many of my notifications are unread (the badge)"""
        return {"unread": notifications.unread_count(auth.current_member())}


@blp.route("/read")
class MarkRead(MethodView):
    @auth.roles(auth.MEMBER)
    @blp.arguments(MarkReadSchema)
    @blp.response(200, NotificationSchema)
    def post(self, body):
        """Mark one of my notifications read

        Another member's notification answers 404, like a missing one.
        """
        return notifications.mark_read(auth.current_member(), body["id"])


@blp.route("/read-all")
class MarkAllRead(MethodView):
    @auth.roles(auth.MEMBER)
    @blp.arguments(MarkAllReadSchema)
    @blp.response(200, MarkedSchema)
    def post(self, body):
        """Mark all my notifications read

        With `up_to`, only those up to that id, so one that arrived after the screen
        was drawn stays unread.
        """
        me = auth.current_member()
        marked = notifications.mark_all_read(me, body["up_to"])
        return {"marked": marked, "unread": notifications.unread_count(me)}
