"""flask-smorest subclassed once: the Api, the Blueprint, the base Schema and the pager."""

import datetime as dt
import functools
import http
from copy import deepcopy

import marshmallow as ma
from flask import request
from flask_smorest import Api as BaseApi
from flask_smorest import Blueprint as BaseBlueprint
from flask_smorest import abort
from flask_smorest.utils import prepare_response, unpack_tuple_response
from werkzeug.datastructures import Headers

from server import clock, text
from server.db import MAX_ID
from server.extensions import pager
from server.extensions.messages import chinese_message, translate_errors
from server.extensions.parsing import Parser
from server.ready import Ready


class Api(BaseApi):
    def _register_responses(self):
        super()._register_responses()
        response = {"description": "Too many requests (rate limited): wait `Retry-After` seconds",
                    "schema": self.ERROR_SCHEMA,
                    "headers": {"Retry-After": {"description": "Seconds until the limit allows again",
                                                "schema": {"type": "integer"}}}}
        prepare_response(response, self.spec, self.DEFAULT_RESPONSE_CONTENT_TYPE)
        self.spec.components.response("RATE_LIMITED", response, lazy=True)

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



class Blueprint(BaseBlueprint):
    """Our blueprint: request schemas are made once, not per request; JSON is read by our parser,
    and a JSON body documented as required is required; every creating view (a 201 answer) honours
    `Idempotency-Key` (server/extensions/idempotency.py); rate-limited operations (every write, and
    the areas `limits.area` marks) document their 429."""

    ARGUMENTS_PARSER = Parser()
    PAGINATION_ARGUMENTS_PARSER = ARGUMENTS_PARSER
    PAGINATION_HEADER_NAME = None  # `next_cursor` travels in the body (server/extensions/pager.py)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from server.extensions import idempotency

        self._prepare_doc_cbks.insert(0, idempotency.document)
        self._prepare_doc_cbks.append(self._prepare_rate_limit_doc)

    @staticmethod
    def _prepare_rate_limit_doc(doc, doc_info, *, method, **kwargs):
        if method.upper() in ("POST", "PATCH", "PUT", "DELETE") or doc_info.get("rate_area"):
            doc.setdefault("responses", {})["429"] = "RATE_LIMITED"
        return doc

    def response(self, status_code, *args, **kwargs):
        decorator = super().response(status_code, *args, **kwargs)
        if status_code != 201:
            return decorator
        from server.extensions.idempotency import creating

        return lambda view: creating(decorator(view))

    def paginate(self, pager_class=None, *, keyset=None, limit=pager.DEFAULT_LIMIT, max_limit=pager.MAX_LIMIT):
        """Keyset pages (server/extensions/pager.py), in place of flask-smorest's page numbers.

        `pager_class`: a KeysetPage that pages the query the view returns. Without one the view
        pages itself: it takes `pagination_parameters` and sets its `next_after` (`keyset` names
        the order its cursor carries)."""
        keyset = pager_class.keyset if pager_class is not None else keyset
        schema = pager.parameters_schema(keyset, limit=limit, max_limit=max_limit)
        error_status_code = self.PAGINATION_ARGUMENTS_PARSER.DEFAULT_VALIDATION_STATUS

        def decorator(func):
            @functools.wraps(func)
            def wrapper(*args, **kwargs):
                params = pager.plain_first_page(keyset, request.args, limit=limit, max_limit=max_limit)
                if params is None:
                    params = self.PAGINATION_ARGUMENTS_PARSER.parse(schema, request, location="query")
                if pager_class is None:
                    kwargs["pagination_parameters"] = params
                result, status, headers = unpack_tuple_response(func(*args, **kwargs))
                if pager_class is not None:
                    result = pager_class(result, params).items
                result, headers = self._set_pagination_metadata(params, result, headers)
                return result, status, headers

            wrapper._apidoc = deepcopy(getattr(wrapper, "_apidoc", {}))
            wrapper._apidoc["pagination"] = {
                "parameters": {"in": "query", "schema": schema},
                "response": {error_status_code: http.HTTPStatus(error_status_code).name},
            }
            return wrapper

        return decorator

    def _set_pagination_metadata(self, page_params, result, headers):
        """`next_cursor` in the body: beside the rows of a list, or in the document that holds them."""
        cursor = page_params.next_cursor
        if isinstance(result, dict):
            return {**result, "next_cursor": cursor}, headers
        return {"items": result, "next_cursor": cursor}, headers

    def _document_pagination_metadata(self, spec, resp_doc):
        """Nothing in the headers: `next_cursor` is in each paged answer's schema."""

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


# What both backends store (64-bit integers) and where date arithmetic and time-zone conversion
# cannot overflow (Python's dates end at years 1 and 9999): every number and date a request
# sends is checked against these, so a value outside is 422 naming its field, not a 500 deep
# in a service or the driver. Finer rules (a birth date in the past, ...) are the services'.
INTEGER_RANGE = ma.validate.Range(-MAX_ID, MAX_ID, error="数值超出允许范围")
YEARS = range(1000, 9000)


def _date_in_range(value: dt.date) -> None:
    if value.year not in YEARS:
        raise ma.ValidationError("日期超出允许范围")


def _bound(field: ma.fields.Field) -> None:
    """Add the range every stored number and date must keep to a field (and to the values of a
    list, tuple or mapping of them)."""
    if isinstance(field, ma.fields.Integer):
        field.validators = [*field.validators, INTEGER_RANGE]
    elif isinstance(field, ma.fields.DateTime | ma.fields.Date):
        field.validators = [*field.validators, _date_in_range]
    elif isinstance(field, ma.fields.List):
        _bound(field.inner)
    elif isinstance(field, ma.fields.Tuple):
        for inner in field.tuple_fields:
            _bound(inner)
    elif isinstance(field, ma.fields.Dict) and field.value_field is not None:
        _bound(field.value_field)


class Schema(ma.Schema):
    """Request and response schemas: unknown fields are refused (422 naming them); numbers
    and dates must fit what is stored (422 naming them)."""

    class Meta:
        unknown = ma.RAISE
        ordered = True

    def on_bind_field(self, field_name, field_obj):
        if not field_obj.dump_only:
            _bound(field_obj)

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


class LocalDateTime(ma.fields.DateTime):
    """Stored local datetimes go out with the community's offset (+08:00); naive input is local."""

    def _serialize(self, value, attr, obj, **kwargs):
        return super()._serialize(clock.aware(value), attr, obj, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        parsed = super()._deserialize(value, attr, data, **kwargs)
        if parsed.tzinfo is not None:
            try:
                parsed = parsed.astimezone(clock.zone()).replace(tzinfo=None)
            except OverflowError:  # 0001-01-01T00:00:00+08:00 is before year 1 in UTC
                raise ma.ValidationError("日期超出允许范围") from None
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


class Phone(Text):
    """A mainland mobile number: 11 digits starting with 1, refused with 请填写11位手机号.
    `optional=True` also takes "" (no phone given)."""

    def __init__(self, *args, optional: bool = False, **kwargs):
        pattern = r"^1\d{10}$|^$" if optional else r"^1\d{10}$"
        super().__init__(*args, validate=ma.validate.Regexp(pattern, error="请填写11位手机号"), **kwargs)


class Verbatim(ma.fields.Nested):
    """Documented as the nested schema, passed through as is: for hot lists whose service
    already built JSON-ready values (the passbook's lines), where marshmallow's per-field
    walk would cost more than the queries."""

    def _serialize(self, value, attr, obj, **kwargs):
        return value
