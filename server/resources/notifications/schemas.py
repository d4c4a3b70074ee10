"""Inbox bodies: a page of notifications, the unread badge, marking read."""

import marshmallow as ma

from server.extensions.pager import page_of
from server.extensions.smorest import LocalDateTime, Schema
from server.models.notifications import WECHAT_STATUSES


class InboxQuerySchema(Schema):
    unread_only = ma.fields.Boolean(load_default=False)


class NotificationSchema(Schema):
    id = ma.fields.Integer()
    template_key = ma.fields.String(metadata={"description": "What kind of message (task_offer, hours_credited, ...)"})
    title = ma.fields.String()
    body = ma.fields.String(metadata={"description": "Plain Chinese, for reading aloud"})
    link = ma.fields.String(metadata={"description": "Mini-program page to open, e.g. pages/tasks/detail?id=7"})
    urgent = ma.fields.Boolean()
    created_at = LocalDateTime()
    read_at = LocalDateTime(allow_none=True)
    read = ma.fields.Function(lambda n: n.read_at is not None)
    wechat_status = ma.fields.String(validate=ma.validate.OneOf(WECHAT_STATUSES), metadata={
        "description": "The WeChat copy: pending, deferred (quiet hours), sending, sent, refused, skipped, failed, unknown"})


InboxPageSchema = page_of(NotificationSchema, name="InboxPage")


class UnreadSchema(Schema):
    unread = ma.fields.Integer()


class MarkReadSchema(Schema):
    id = ma.fields.Integer(required=True, validate=ma.validate.Range(min=1))


class MarkAllReadSchema(Schema):
    up_to = ma.fields.Integer(load_default=None, allow_none=True, validate=ma.validate.Range(min=1), metadata={
        "description": "Mark only notifications up to this id (the newest the screen showed)"})


class MarkedSchema(Schema):
    marked = ma.fields.Integer()
    unread = ma.fields.Integer()
