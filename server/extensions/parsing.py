"""What the API accepts before any view runs: body size, JSON, ids in URLs.

Hostile input must end as a 4xx naming what is wrong, never a 500, whichever route it hits:
- a body over MAX_BODY_BYTES is refused on its declared length before anything reads it
  (a stranger's 100 MB `POST /auth/wechat`), and reading a chunked one stops at the limit;
- JSON is read with orjson (as the answers are written), nested at most MAX_JSON_DEPTH deep;
  numbers orjson cannot hold (5,000 digits, 1e400, NaN) are 422 naming their field, where
  webargs' standard-library parser raised ValueError or RecursionError;
- `<int:...>` in every route stops at 2^63 − 1: a larger id names no row (404) instead of
  reaching SQLite's driver, which raises OverflowError on binding it.
"""

import json

import orjson
from flask import current_app, request
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request
from webargs.flaskparser import abort as webargs_abort
from werkzeug.routing import IntegerConverter

from server import runtime
from server.db import MAX_ID

# No request of ours nests deeper than 4; code reading what is stored (JSON columns, exports)
# may recurse, and Python's recursion limit is 1,000.
MAX_JSON_DEPTH = 32


class IdConverter(IntegerConverter):
    """`<int:...>` bounded to the 64-bit ids both backends store."""

    regex = r"\d{1,19}"

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)


class _Unreadable:
    """A number in a JSON body that no field can take; the parser names where it stood."""

    def __init__(self, text: str):
        self.text = text


def _depth_and_unreadable(data):
    """The nesting depth of parsed JSON and the paths of unreadable numbers in it (iteratively:
    no recursion on input an attacker shapes)."""
    deepest, found = 0, []
    stack = [(data, 1, ())]
    while stack:
        value, depth, path = stack.pop()
        if isinstance(value, dict):
            items = value.items()
        elif isinstance(value, list):
            items = enumerate(value)
        else:
            if isinstance(value, _Unreadable):
                found.append(path)
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_JSON_DEPTH:
            break
        stack.extend((child, depth + 1, path + (key,)) for key, child in items)
    return deepest, found


def _errors_at(paths) -> dict:
    """webargs' nested error shape, {"json": {"minutes": [...]}} or {"json": {"items": {"0": [...]}}}."""
    errors = {}
    for path in paths:
        node = errors
        for key in path[:-1]:
            node = node.setdefault(str(key), {})
        node.setdefault(str(path[-1]) if path else "_schema", []).append("数字太大或不是有效的数字")
    return errors


def load_json(body: bytes):
    """A request body's JSON, or a 400 / 422 saying why not."""
    try:
        data = orjson.loads(body)
        if body.count(b"[") + body.count(b"{") <= MAX_JSON_DEPTH:
            return data  # the usual body: too few brackets to nest too deep
    except orjson.JSONDecodeError:
        # orjson refuses numbers beyond a double and nesting beyond 1,024. The standard library,
        # with every number checked as it is read, tells those apart and where they stand.
        try:
            data = json.loads(body, parse_int=_int, parse_float=_float, parse_constant=_Unreadable)
        except RecursionError:
            _invalid("嵌套层数太多")
        except (ValueError, UnicodeDecodeError):
            _invalid("不是有效的 JSON")
    deepest, unreadable = _depth_and_unreadable(data)
    if deepest > MAX_JSON_DEPTH:
        _invalid("嵌套层数太多")
    if unreadable:
        webargs_abort(422, messages={"json": _errors_at(unreadable)})
    return data


def _int(text: str):
    return int(text) if len(text) <= 20 else _Unreadable(text)


def _float(text: str):
    value = float(text)
    return value if abs(value) != float("inf") else _Unreadable(text)


def _invalid(reason: str):
    webargs_abort(400, messages={"json": [f"请求内容不是有效的 JSON：{reason}"]})


class Parser(FlaskParser):
    """webargs' Flask parser reading JSON bodies with `load_json`."""

    def _raw_load_json(self, req):
        if not is_json_request(req):
            return core.missing
        body = req.get_data(cache=True)
        if len(body) > runtime.setting("MAX_BODY_BYTES"):  # a chunked body, cut at the limit + 1
            _too_large()
        if not body.strip():
            return core.missing  # no body: the schema says what is missing
        return load_json(body)

    def _handle_invalid_json_error(self, error, req, *args, **kwargs):
        _invalid("格式不对" if isinstance(error, ValueError) else "文字编码不是 UTF-8")


def _too_large(limit: int | None = None):
    limit = limit or runtime.setting("MAX_BODY_BYTES")
    webargs_abort(413, message=f"提交的内容太大了，最多 {limit / 2**20:g} MB")


def upload(setting: str):
    """Mark a view that takes a file (multipart): its body may be as large as the setting `setting` says,
    instead of MAX_BODY_BYTES. Put it next to `def`."""
    def mark(func):
        func.lb_upload_limit = setting
        return func

    return mark


def _upload_limit() -> int | None:
    view = current_app.view_functions.get(request.endpoint)
    method = getattr(getattr(view, "view_class", None), request.method.lower(), None)
    setting = getattr(method, "lb_upload_limit", None) or getattr(view, "lb_upload_limit", None)  # a plain view: the console's
    return runtime.setting(setting) if setting else None


def init_app(app) -> None:
    """Bound `<int:...>` (before any route is added) and refuse oversized bodies up front."""
    app.url_map.converters["int"] = IdConverter
    # One byte more than allowed: werkzeug stops reading a chunked body (no Content-Length) quietly
    # at this maximum, so the parser can only tell a body over the limit by that extra byte.
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_BODY_BYTES"] + 1

    @app.before_request
    def _refuse_large_bodies():
        limit = _upload_limit()
        if limit is not None:
            request.max_content_length = limit + 1
        limit = limit or runtime.setting("MAX_BODY_BYTES")
        if request.content_length is not None and request.content_length > limit:
            _too_large(limit)
