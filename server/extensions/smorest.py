"""flask-smorest subclassed once: the Api, the Blueprint, the base Schema and the pager."""

import marshmallow as ma
from flask_smorest import Api as BaseApi
from flask_smorest import Blueprint as BaseBlueprint
from flask_smorest import Page

from server import clock
from server.extensions.messages import chinese_message, translate_errors


class Api(BaseApi):
    def handle_http_exception(self, error):
        """flask-smorest's `{code, status, message, errors}` body, worded in Chinese."""
        payload, code, headers = super().handle_http_exception(error)
        if "errors" in payload:
            payload["errors"] = translate_errors(payload["errors"])
        if "message" not in payload:
            payload["message"] = chinese_message(code, payload.get("errors"))
        return payload, code, headers


class Blueprint(BaseBlueprint):
    """Our blueprint: nothing new yet, one place to add it."""


class Schema(ma.Schema):
    """Request and response schemas: unknown fields are refused (422 naming them)."""

    class Meta:
        unknown = ma.RAISE
        ordered = True


class PeeweePage(Page):
    """Pages a peewee query with LIMIT/OFFSET and COUNT: slicing would load every row."""

    @property
    def items(self):
        first = self.page_params.first_item
        return list(self.collection.limit(self.page_params.page_size).offset(first))

    @property
    def item_count(self):
        return self.collection.count()


class LocalDateTime(ma.fields.DateTime):
    """Stored local datetimes go out with the community's offset (+08:00); naive input is local."""

    def _serialize(self, value, attr, obj, **kwargs):
        return super()._serialize(clock.aware(value), attr, obj, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        parsed = super()._deserialize(value, attr, data, **kwargs)
        if parsed.tzinfo is not None:
            parsed = parsed.astimezone(clock.zone()).replace(tzinfo=None)
        return parsed


class Verbatim(ma.fields.Nested):
    """Documented as the nested schema, passed through as is: for hot lists whose service
    already built JSON-ready values (the passbook's lines), where marshmallow's per-field
    walk would cost more than the queries."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value
