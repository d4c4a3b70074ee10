"""Hostile input on every route: a 4xx naming what is wrong, never a 500.

Generated from the URL map and each route's declared arguments (as test_authorization is),
so a route or a field added later is swept too: ids beyond 64 bits in the path, bodies too
large or nested too deep, numbers Python cannot read or the database cannot store, dates
that overflow when converted between time zones.
"""

import base64
import io
import json

import marshmallow as ma
import pytest

from server.db import MAX_ID
from server.extensions.smorest import LocalDateTime
from tests.resources.test_authorization import UNSCOPED_PARAMS, _url, routes, world  # noqa: F401 (fixture)

HUGE_IDS = [2**63, 2**64, 10**30]
KEY = {"Idempotency-Key": "bad-input-sweep"}  # routes that take one check it first
ONE_MB = 1024 * 1024


def _arguments(func):
    """(location, schema) of each argument a view declares: json, query, headers."""
    for parameter in getattr(func, "_apidoc", {}).get("arguments", {}).get("parameters", []):
        schema = parameter["schema"]
        yield parameter["in"], schema() if isinstance(schema, type) else schema


def _json_routes(app):
    for rule, method, func in routes(app):
        if any(location == "json" for location, _ in _arguments(func)):
            yield rule, method, func


def _loaded_fields(schema):
    return {field.data_key or name: field for name, field in schema.fields.items() if not field.dump_only}


def _named(answer, location, name) -> bool:
    errors = (answer.json or {}).get("errors", {})
    return name in errors.get(location, {})


def test_ids_beyond_64_bits_are_404_on_every_route(app, world):  # noqa: F811
    """`GET /tasks/9223372036854775808` names no row: 404 (SQLite's driver raised OverflowError)."""
    client = app.test_client()
    admin = world["tokens"]["admin"]
    swept = 0
    for rule, method, _ in routes(app):
        for param in set(rule.arguments) - set(UNSCOPED_PARAMS):
            for huge in HUGE_IDS:
                url = _url(rule, {**world["foreign"], **UNSCOPED_PARAMS, param: huge})
                answer = client.open(url, method=method, json={}, headers=admin)
                assert answer.status_code == 404, f"{method} {url}: {answer.status_code}"
                assert answer.json["message"], url
                swept += 1
    assert swept > 100


def test_the_largest_id_is_still_an_id(app, world):  # noqa: F811
    """2^63 − 1 is a valid (missing) id: 404 through the gate, as any missing id."""
    answer = app.test_client().get(f"/api/v1/tasks/{MAX_ID}", headers=world["tokens"]["admin"])
    assert answer.status_code == 404
    assert answer.json["errors"]["rule"] == "not_found"


def test_bodies_over_1_mb_are_413_before_anything_on_every_route(app):
    """Checked on the declared length, before the token, the gate or the parser: a stranger's
    100 MB `POST /auth/wechat` is never read."""
    client = app.test_client()
    body = b'{"code": "' + b"x" * ONE_MB + b'"}'
    for rule, method, func in routes(app):
        url = _url(rule, {name: 1 for name in rule.arguments} | UNSCOPED_PARAMS)
        if getattr(func, "lb_upload_limit", None):  # an upload (imports) has its own, larger limit
            limit = app.config[func.lb_upload_limit]
            answer = client.open(url, method=method, data=b"x" * (limit + 1), content_type="multipart/form-data")
            assert answer.status_code == 413 and f"{limit / ONE_MB:g} MB" in answer.json["message"], rule.rule
            continue
        answer = client.open(url, method=method, data=body, content_type="application/json")
        assert answer.status_code == 413, f"{method} {rule.rule}: {answer.status_code}"
        assert answer.json["code"] == 413 and "1 MB" in answer.json["message"], answer.json


def test_a_chunked_body_over_1_mb_is_413_too(app):
    """Without a Content-Length (chunked), reading stops at the limit."""
    answer = app.test_client().post(
        "/api/v1/auth/wechat", input_stream=io.BytesIO(b'{"code": "' + b"x" * (2 * ONE_MB) + b'"}'),
        content_type="application/json", headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True})
    assert answer.status_code == 413, answer.json


def test_a_body_just_under_1_mb_is_read(app):
    """… and one just under it is read and checked as usual (here: the handle is far too long)."""
    answer = app.test_client().post("/api/v1/auth/dev-login", json={"handle": "x" * (ONE_MB - 100)})
    assert answer.status_code == 422 and _named(answer, "json", "handle"), answer.json


UNPARSEABLE = {
    "nested 1,500 deep": b'{"a": ' + b"[" * 1500 + b"]" * 1500 + b"}",
    "nested 100 deep": b'{"a": ' + b'{"b": ' * 100 + b"1" + b"}" * 100 + b"}",
    "not JSON": b'{"a": ',
    "not UTF-8": b'{"a": "\xff\xfe"}',
}


@pytest.mark.parametrize("body", UNPARSEABLE.values(), ids=UNPARSEABLE.keys())
def test_unparseable_json_is_400_on_every_route(app, world, body):  # noqa: F811
    client = app.test_client()
    for rule, method, _ in _json_routes(app):
        url = _url(rule, {**world["foreign"], **UNSCOPED_PARAMS})
        answer = client.open(url, method=method, data=body, content_type="application/json",
                             headers=world["tokens"]["admin"] | KEY)
        assert answer.status_code == 400, f"{method} {rule.rule}: {answer.status_code}"
        assert answer.json["errors"]["json"], answer.json
        assert answer.json["message"].startswith("请求格式不对"), answer.json["message"]


NUMBERS_NOBODY_STORES = {
    "5,000 digits": b"1" * 5000,
    "-5,000 digits": b"-" + b"1" * 5000,
    "1e400": b"1e400",
    "NaN": b"NaN",
    "Infinity": b"-Infinity",
    "2^63": str(2**63).encode(),
    "2^64": str(2**64).encode(),
    "-2^63-1": str(-(2**63) - 1).encode(),
}


@pytest.mark.parametrize("number", NUMBERS_NOBODY_STORES.values(), ids=NUMBERS_NOBODY_STORES.keys())
def test_numbers_out_of_range_are_422_naming_the_field_on_every_route(app, world, number):  # noqa: F811
    """In any JSON field, known or not; for every Integer and Float field, in the body or the query."""
    client = app.test_client()
    admin = world["tokens"]["admin"] | KEY
    checked = 0
    for rule, method, func in routes(app):
        url = _url(rule, {**world["foreign"], **UNSCOPED_PARAMS})
        for location, schema in _arguments(func):
            if location not in ("json", "query"):
                continue
            names = [name for name, field in _loaded_fields(schema).items()
                     if isinstance(field, ma.fields.Number | ma.fields.List)]
            if location == "json":
                names.append("not_a_field")
            for name in names:
                field = _loaded_fields(schema).get(name)
                if isinstance(field, ma.fields.List) and not isinstance(field.inner, ma.fields.Number):
                    continue
                if location == "json":
                    value = b"[" + number + b"]" if isinstance(field, ma.fields.List) else number
                    answer = client.open(url, method=method, data=b'{"%s": %s}' % (name.encode(), value),
                                         content_type="application/json", headers=admin)
                else:
                    answer = client.open(f"{url}?{name}={number.decode()}", method=method, headers=admin)
                where = f"{method} {rule.rule} {location}.{name} = {number[:20]!r}"
                if isinstance(field, ma.fields.Float) and number in (str(2**63).encode(), str(2**64).encode(),
                                                                      str(-(2**63) - 1).encode()):
                    assert answer.status_code < 500, where  # a plain large number, as a float
                    continue
                assert answer.status_code == 422, f"{where}: {answer.status_code} {answer.json}"
                assert _named(answer, location, name), f"{where}: {answer.json}"
                checked += 1
    assert checked > 20


EXTREME_DATETIMES = ["0001-01-01T00:00:00+08:00", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00",
                     "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z"]


def test_datetimes_that_overflow_in_our_time_zone_are_422_naming_the_field(app, world):  # noqa: F811
    client = app.test_client()
    admin = world["tokens"]["admin"] | KEY
    checked = 0
    for rule, method, func in routes(app):
        url = _url(rule, {**world["foreign"], **UNSCOPED_PARAMS})
        for location, schema in _arguments(func):
            for name, field in _loaded_fields(schema).items():
                if location not in ("json", "query") or not isinstance(field, ma.fields.DateTime):
                    continue
                assert isinstance(field, LocalDateTime), f"{rule.rule} {name}: use LocalDateTime for input"
                for value in EXTREME_DATETIMES:
                    if location == "json":
                        answer = client.open(url, method=method, json={name: value}, headers=admin)
                    else:
                        answer = client.open(url, method=method, query_string={name: value}, headers=admin)
                    where = f"{method} {rule.rule} {name} = {value}"
                    assert answer.status_code == 422, f"{where}: {answer.status_code}"
                    assert _named(answer, location, name), f"{where}: {answer.json}"
                    checked += 1
    assert checked >= 10


def test_extreme_dates_in_queries_are_never_a_500(app, world):  # noqa: F811
    """Query arguments reach the services (bodies here stop at their missing fields)."""
    client = app.test_client()
    admin = world["tokens"]["admin"] | KEY
    for rule, method, func in routes(app):
        url = _url(rule, {**world["foreign"], **UNSCOPED_PARAMS})
        for location, schema in _arguments(func):
            for name, field in _loaded_fields(schema).items():
                if location != "query" or not isinstance(field, ma.fields.Date | ma.fields.DateTime):
                    continue
                for value in ("0001-01-01", "9999-12-31", "0001-01-01T00:00:00", "9999-12-31T23:59:59"):
                    answer = client.open(url, method=method, query_string={name: value}, headers=admin)
                    assert answer.status_code < 500, f"{method} {rule.rule} {name} = {value}"


def test_a_bad_cursor_is_422_naming_it_on_every_paged_list(app, world):  # noqa: F811
    """A cursor that is not a `next_cursor` (text, a key past 64 bits, a date past year 9999) is 422
    naming `cursor` on every list, never a 500 from the driver."""
    client = app.test_client()
    bad = [base64.urlsafe_b64encode(json.dumps(key).encode()).decode()
           for key in ([2**63], [2**63, 2**63, 2**63], [3, "9999-12-31T23:59:59", 2**70], ["x", 1])]
    for rule, method, func in routes(app):
        if "pagination" not in getattr(func, "_apidoc", {}):
            continue
        url = _url(rule, {**world["foreign"], **UNSCOPED_PARAMS})
        for cursor in ("garbage", *bad):
            answer = client.open(url, method=method, query_string={"cursor": cursor}, headers=world["tokens"]["admin"])
            assert answer.status_code in (403, 404, 422), f"{method} {rule.rule} cursor={cursor}: {answer.status_code}"
            if answer.status_code == 422:
                assert _named(answer, "query", "cursor"), answer.json
