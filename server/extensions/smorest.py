"""flask-smorest subclassed once: the Api, the Blueprint, the base Schema and the pager."""

import datetime as dt

import marshmallow as ma
from flask_smorest import Api as BaseApi
from flask_smorest import Blueprint as BaseBlueprint
from flask_smorest import Page

from server import clock, text
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
    """Our blueprint: request schemas are made once, not per request."""

    def arguments(self, schema, *args, **kwargs):
        # webargs instantiates a schema class on every request it parses; an instance is reused
        # (marshmallow schemas keep no state between loads).
        return super().arguments(schema() if isinstance(schema, type) else schema, *args, **kwargs)


class Ready(dict):
    """An answer a service built JSON-ready, keys in its schema's order: the schema passes it
    through instead of walking every field again (the hottest single objects, e.g. a service
    record after a witness confirms). Make one with `ready()`; a test per use dumps the raw
    values through the schema and compares."""


def _json_ready(value):
    if isinstance(value, dt.datetime):
        return clock.aware(value).isoformat()  # as LocalDateTime writes it
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def ready(values: dict) -> Ready:
    return Ready({key: _json_ready(value) for key, value in values.items()})


class Schema(ma.Schema):
    """Request and response schemas: unknown fields are refused (422 naming them)."""

    class Meta:
        unknown = ma.RAISE
        ordered = True

    def dump(self, obj, *, many=None):
        if isinstance(obj, Ready):
            return obj
        return super().dump(obj, many=many)


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


class Text(ma.fields.String):
    """Every text a request carries: control characters (and, unless `multiline`, newline and
    tab) are refused with 422 naming the field. Long texts (descriptions, reasons) pass
    `multiline=True`; their line ends arrive as "\\n". tests/test_text.py walks every request
    schema to check no string field is anything else."""

    def __init__(self, *args, multiline: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.multiline = multiline

    def _deserialize(self, value, attr, data, **kwargs):
        value = super()._deserialize(value, attr, data, **kwargs)
        if self.multiline:
            value = text.normalise_newlines(value)
        position = text.first_refused(value, multiline=self.multiline)
        if position is not None:
            raise ma.ValidationError(text.refusal(value, position))
        return value


class Verbatim(ma.fields.Nested):
    """Documented as the nested schema, passed through as is: for hot lists whose service
    already built JSON-ready values (the passbook's lines), where marshmallow's per-field
    walk would cost more than the queries."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value
