"""flask-smorest subclassed once: the Api, the Blueprint, the base Schema and the pager."""

import datetime as dt
import functools

import marshmallow as ma
from flask import request
from flask_smorest import Api as BaseApi
from flask_smorest import Blueprint as BaseBlueprint
from flask_smorest import Page, abort
from werkzeug.datastructures import Headers

from server import clock
from server.extensions.messages import chinese_message, translate_errors

# flask-smorest sends the page's metadata as JSON text in one header (json.dumps of the object),
# but documents the header as that object, which a client generated from the description would
# try to read as `key,value,...`. Say what is on the wire: a string carrying JSON.
PAGINATION_HEADER = {
    "description": "Pagination metadata as a JSON object in a string: total, total_pages, first_page, "
                   "last_page, page, and previous_page / next_page where there is one.",
    "schema": {"type": "string"},
    "example": '{"total": 45, "total_pages": 3, "first_page": 1, "last_page": 3, "page": 2, '
               '"previous_page": 1, "next_page": 3}',
}


class Api(BaseApi):
    def handle_http_exception(self, error):
        """flask-smorest's `{code, status, message, errors}` body, worded in Chinese, with the
        headers werkzeug's exception carries (405's `Allow`, 429's and 503's `Retry-After`,
        401's `WWW-Authenticate`): flask-smorest's handler drops them."""
        payload, code, headers = super().handle_http_exception(error)
        if "errors" in payload:
            payload["errors"] = translate_errors(payload["errors"])
        if "message" not in payload:
            payload["message"] = chinese_message(code, payload.get("errors"))
        carried = Headers([(name, value) for name, value in error.get_headers() if name.lower() != "content-type"])
        for name, value in (headers or {}).items():
            carried.set(name, value)
        return payload, code, carried

    def _register_pagination_header(self):
        self.spec.components.header("PAGINATION", PAGINATION_HEADER, lazy=True)


class Blueprint(BaseBlueprint):
    """Our blueprint: request schemas are made once, not per request, and a JSON body documented
    as required is required."""

    def arguments(self, schema, *args, location="json", required=True, **kwargs):
        # webargs instantiates a schema class on every request it parses; an instance is reused
        # (marshmallow schemas keep no state between loads).
        parse = super().arguments(schema() if isinstance(schema, type) else schema, *args,
                                  location=location, required=required, **kwargs)
        if location != "json" or not required:
            return parse

        def decorator(func):
            parsed = parse(func)

            @functools.wraps(parsed)
            def wrapper(*f_args, **f_kwargs):
                _require_json_body()
                return parsed(*f_args, **f_kwargs)

            return wrapper

        return decorator


def _require_json_body() -> None:
    """webargs reads a missing body, or one that is not JSON, as `{}`: a schema whose fields are
    all optional would then accept a request that said nothing. flask-smorest documents the body
    as required (`requestBody.required`); this makes it so."""
    if not request.get_data(cache=True):
        abort(422, errors={"json": {"_schema": ["缺少提交的内容（JSON）"]}})
    if not request.is_json:
        abort(415, message="请以 JSON 格式提交（Content-Type: application/json）")


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


class EditSchema(Schema):
    """A PATCH body: at least one field, or the request asked to change nothing (a client bug
    that would otherwise answer 200 as if something had been saved)."""

    class Meta(Schema.Meta):
        description = "At least one field: an empty change is refused (422)."

    @ma.validates_schema(pass_original=True)
    def _something_to_change(self, data, original_data, **kwargs):
        if isinstance(original_data, dict) and not original_data:
            raise ma.ValidationError("没有要修改的内容：请至少填写一项", "_schema")


class PeeweePage(Page):
    """Pages a peewee query with LIMIT/OFFSET and COUNT: slicing would load every row."""

    @property
    def items(self):
        first = self.page_params.first_item
        if first >= self.page_params.item_count:
            # Past the last page: nothing to fetch, and an offset as large as page × page_size can
            # be more than SQLite's 64-bit integers hold (page=922337203685477582 → 500).
            return []
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
