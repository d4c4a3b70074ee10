"""The orjson provider answers exactly what Flask's own provider would."""

import datetime as dt
import decimal
import uuid

import pytest
from flask import Flask

from server.extensions.json import OrjsonProvider

SAMPLES = [
    {"名字": "爱心银行", "minutes": 90, "rate": 1.5, "list": [1, None, True, False], "nested": {"a": [{"b": "c"}]}},
    {"day": dt.date(2026, 11, 29), "at": dt.datetime(2026, 11, 29, 8, 30, 5), "id": uuid.UUID(int=7),
     "amount": decimal.Decimal("1.10"), 3: "int key"},
    {"text": 'line\nbreak "quoted" \\ </script> \u2028 \x01 😀'},
    [], {}, "plain", 0, -5, 2 ** 70, None,
]


def _default_app() -> Flask:
    app = Flask("default")
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    return app


def _ours() -> Flask:
    app = Flask("ours")
    app.json = OrjsonProvider(app)
    return app


@pytest.mark.parametrize("value", SAMPLES)
def test_answers_are_byte_for_byte_the_default_providers(value):
    ours, default = _ours(), _default_app()
    with ours.app_context():
        mine = ours.json.response(value)
    with default.app_context():
        theirs = default.json.response(value)
    assert mine.get_data() == theirs.get_data()
    assert mine.mimetype == theirs.mimetype


def test_round_trip_and_fallbacks():
    ours = _ours()
    with ours.app_context():
        assert ours.json.loads(ours.json.dumps(SAMPLES[0])) == SAMPLES[0]
        assert ours.json.loads(b'{"a": [1, 2]}') == {"a": [1, 2]}
        assert ours.json.dumps({"b": 1, "a": 2}, sort_keys=True) == '{"a": 2, "b": 1}'  # options: the stdlib
    ours.debug = True  # pretty printing in debug, as Flask does
    with ours.app_context():
        assert ours.json.response({"a": 1}).get_data() == b'{\n  "a": 1\n}\n'


def test_the_app_answers_through_it(app):
    assert isinstance(app.json, OrjsonProvider)
    response = app.test_client().get("/api/v1/health/ping")
    assert response.status_code == 200 and response.get_json()
