"""Control characters: refused in every text a request carries, with 422 naming the field."""

import marshmallow as ma
import pytest
from flask_smorest.fields import Upload

from server.extensions.smorest import Text
from server.text import first_refused, printable
from tests.factories import headers, make_community, make_coordinator

TEAM = "维修\u000b队"


def _request_schemas(app):
    """(route, method, location, schema) for every `@blp.arguments` the app registers."""
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        view_class = getattr(view, "view_class", None)
        functions = [getattr(view_class, m.lower(), None) for m in rule.methods] if view_class else [view]
        for function in filter(None, functions):
            for parameter in getattr(function, "_apidoc", {}).get("arguments", {}).get("parameters", []):
                yield f"{function.__name__.upper()} {rule.rule}", parameter.get("location", "json"), parameter["schema"]


def _leaves(field, path):
    """Every field that parses a value by itself, inside lists, tuples, mappings and nested schemas."""
    if isinstance(field, ma.fields.Nested):
        for name, inner in field.schema.fields.items():
            yield from _leaves(inner, f"{path}.{name}")
    elif isinstance(field, ma.fields.List):
        yield from _leaves(field.inner, f"{path}[]")
    elif isinstance(field, ma.fields.Tuple):
        for n, inner in enumerate(field.tuple_fields):
            yield from _leaves(inner, f"{path}[{n}]")
    elif isinstance(field, ma.fields.Dict):
        yield field, path  # a mapping must say what its keys and values are (checked below)
        for part, inner in (("key", field.key_field), ("value", field.value_field)):
            if inner is not None:
                yield from _leaves(inner, f"{path}{{{part}}}")
    else:
        yield field, path


_NOT_TEXT = (ma.fields.Number, ma.fields.Boolean, ma.fields.Date, ma.fields.DateTime, ma.fields.Time,
             ma.fields.TimeDelta, Upload)  # an uploaded file (imports) is bytes, read by its own reader


def test_every_text_field_of_every_request_schema_refuses_control_characters(app):
    """Walks every schema the API parses (body, query, headers): each field that takes text is a
    `Text`, and loading a value with U+000B through it fails with our message."""
    checked, escaped = 0, []
    for route, location, schema in _request_schemas(app):
        for name, field in schema.fields.items():
            if field.dump_only:
                continue
            for leaf, path in _leaves(field, f"{route} {location}:{name}"):
                if isinstance(leaf, ma.fields.Dict):
                    if leaf.key_field is None or leaf.value_field is None:
                        escaped.append(f"{path} (a mapping of anything)")
                    continue
                if isinstance(leaf, _NOT_TEXT):
                    continue
                if not isinstance(leaf, Text):
                    escaped.append(f"{path} ({type(leaf).__name__})")
                    continue
                with pytest.raises(ma.ValidationError, match="控制字符"):
                    leaf.deserialize("维修\u000b队")
                checked += 1
    assert not escaped, "text fields that take control characters:\n" + "\n".join(escaped)
    assert checked > 100  # the walk found the API's schemas


@pytest.mark.parametrize(("value", "multiline", "position"), [
    ("维修队", False, None), ("维修\u000b队", False, 2), ("a\nb", False, 1), ("a\tb", False, 1),
    ("a\nb\tc", True, None), ("\x00", True, 0), ("a\x7f", True, 1), ("a\x85", True, 1), ("ab\ud800", True, 2),
    ("\uffff", True, 0), ("表情👍‍", False, None),
])
def test_which_characters_are_refused(value, multiline, position):
    assert first_refused(value, multiline=multiline) == position


def test_printable_drops_what_is_refused_and_keeps_line_breaks_only_in_long_text():
    assert printable("维修\u000b队\x00") == "维修队"
    assert printable("第一行\r\n第二行\t完") == "第一行\n第二行\t完"
    assert printable("第一行\n第二行", multiline=False) == "第一行 第二行"
    assert printable(42) == 42


def test_a_team_named_with_a_control_character_is_refused_naming_the_field(any_app):
    community = make_community()
    staff = headers(any_app, make_coordinator(community))
    client = any_app.test_client()
    refused = client.post("/api/v1/teams", json={"name": TEAM, "categories": ["repairs"]}, headers=staff)
    assert refused.status_code == 422
    assert "控制字符" in refused.json["errors"]["json"]["name"][0]
    assert "name" in refused.json["message"]
    made = client.post("/api/v1/teams", json={"name": "维修队", "description": "第一行\r\n第二行\t完",
                                              "categories": ["repairs"]}, headers=staff)
    assert made.status_code == 201, made.json
    assert made.json["description"] == "第一行\n第二行\t完"


def test_a_query_parameter_with_a_control_character_is_refused(app):
    community = make_community()
    staff = headers(app, make_coordinator(community))
    refused = app.test_client().get("/api/v1/volunteers", query_string={"q": "李\x1b"}, headers=staff)
    assert refused.status_code == 422 and "q" in refused.json["errors"]["query"]


def test_a_wechat_message_field_carries_no_control_character():
    """Stored text reaches WeChat's subscribe messages too (a refused send would be retried forever)."""
    from server.services.messaging.message_format import cut

    assert cut("thing", "帮王\x00阿姨\u000b修理\x85洗衣机") == "帮王阿姨修理洗衣机"
