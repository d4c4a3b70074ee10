"""Does the OpenAPI description say what the API does? Headers, file types, 405s, bodies.

The fuzzed run over every operation is tests/test_openapi_fuzz.py; these are the defects it
(and the first trial) found, each pinned by a direct question.
"""


import pytest

from server.extensions.auth import issue_token
from server.models import Member
from server.services.oversight import documents
from server.services.people import demo

API = "/api/v1"


@pytest.fixture
def spec(app):
    return app.test_client().get(f"{API}/openapi.json").json


@pytest.fixture
def as_demo(app):
    return demo_logins(app)


def demo_logins(app):
    """The demo communities and people; `as_demo("coordinator")` → that member's headers."""
    demo.load()

    def headers(handle):
        with app.app_context():
            return {"Authorization": f"Bearer {issue_token(Member.get(Member.handle == handle))}"}

    return headers


def _documented_types(spec, method, path, status="200"):
    return set(spec["paths"][API + path][method]["responses"][status].get("content", {}))


def _households_of(code: str) -> int:
    from server.models import Community, Household

    return Household.select().join(Community).where(Community.code == code).count()


def test_each_path_is_one_route(app):
    """Two rules for one path (GET in one view, PATCH in another) make werkzeug answer 405, not 404,
    when the path's id cannot be converted: one view per path, every method in it."""
    seen = {}
    for rule in app.url_map.iter_rules():
        assert rule.rule not in seen, f"{rule.rule}: {seen[rule.rule]} and {rule.endpoint}"
        seen[rule.rule] = rule.endpoint


@pytest.mark.parametrize("fmt, content_type", [
    ("json", "application/json"), ("xlsx", documents.XLSX_TYPE), ("pdf", documents.PDF_TYPE),
    ("png", documents.PNG_TYPE)])
def test_every_half_year_report_format_is_documented(app, spec, as_demo, fmt, content_type):
    community = Member.get(Member.handle == "coordinator").community_id
    path = "/communities/{community_id}/reports/half-year"
    answer = app.test_client().get(f"{API}/communities/{community}/reports/half-year?year=2026&half=1&format={fmt}",
                                   headers=as_demo("coordinator"))
    assert answer.status_code == 200 and answer.mimetype == content_type
    assert content_type in _documented_types(spec, "get", path)


@pytest.mark.parametrize("path, content_types", [
    ("/communities/{community_id}/statements/register", {documents.XLSX_TYPE}),
    ("/audits/{audit_id}/report", {documents.PDF_TYPE, documents.XLSX_TYPE}),
    ("/star-awards/{award_id}/certificate", {documents.PDF_TYPE}),
    ("/me/export", {"application/json"}),
    ("/imports/templates/{kind}.xlsx", {documents.XLSX_TYPE}),
])
def test_every_file_download_documents_what_it_sends(spec, path, content_types):
    """The types each download sends (their own tests check the files) are the documented ones."""
    assert _documented_types(spec, "get", path) == content_types


def test_method_not_allowed_names_the_allowed_methods(app):
    answer = app.test_client().delete(f"{API}/catalog")
    assert answer.status_code == 405 and answer.json["code"] == 405
    assert set(answer.headers["Allow"].replace(" ", "").split(",")) >= {"GET", "HEAD", "OPTIONS"}


def _operations_with_a_required_body(spec):
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if isinstance(operation, dict) and operation.get("requestBody", {}).get("required"):
                yield method, path


def test_no_operation_accepts_a_missing_body_it_documents_as_required(app, spec, as_demo):
    """`PATCH /me` and `POST /notifications/read-all` answered 200 to nothing at all; now every
    documented-required body is required (as the admin, who passes every role's gate)."""
    client = app.test_client()
    admin = {**as_demo("admin"), "Idempotency-Key": "a-missing-body"}
    for method, path in _operations_with_a_required_body(spec):
        url = "".join("1" if part.endswith("_id") else part for part in _split_ids(path))
        answer = client.open(url, method=method.upper(), headers=admin)
        assert answer.status_code in (404, 415, 422), (method, path, answer.status_code, answer.json)
        if answer.status_code == 422:
            # an upload (multipart) names its missing form fields and files
            where = "form" if "multipart/form-data" in spec["paths"][path][method]["requestBody"]["content"] else "json"
            assert answer.json["errors"][where], (method, path)


def _split_ids(path):
    """`/a/{x_id}/b` → ["/a/", "x_id", "/b"]."""
    parts, rest = [], path
    while "{" in rest:
        head, tail = rest.split("{", 1)
        name, rest = tail.split("}", 1)
        parts += [head, name]
    return parts + [rest]


def test_a_missing_body_is_refused_naming_what_is_missing(app, as_demo):
    client = app.test_client()
    for method, path in (("PATCH", "/me"), ("POST", "/notifications/read-all")):
        answer = client.open(f"{API}{path}", method=method, headers=as_demo("resident"))
        assert answer.status_code == 422, (path, answer.status_code)
        assert answer.json["errors"]["json"] == {"_schema": ["缺少提交的内容（JSON）"]}
        assert "缺少提交的内容" in answer.json["message"]
    text = client.post(f"{API}/notifications/read-all", data='{"up_to": 1}', content_type="text/plain",
                       headers=as_demo("resident"))
    assert text.status_code == 415 and "JSON" in text.json["message"]
    assert client.post(f"{API}/notifications/read-all", json={}, headers=as_demo("resident")).status_code == 200


@pytest.mark.parametrize("path", ["/me", "/volunteers/{volunteer_id}", "/audit-visits/{visit_id}"])
def test_an_empty_change_is_refused(app, spec, as_demo, path):
    """A PATCH that names no field changed nothing; it used to answer 200 as if it had saved."""
    body = spec["paths"][API + path]["patch"]["requestBody"]["content"]["application/json"]["schema"]
    name = body["$ref"].rsplit("/", 1)[-1]
    assert "At least one field" in spec["components"]["schemas"][name]["description"]
    if path == "/me":
        answer = app.test_client().patch(f"{API}/me", json={}, headers=as_demo("resident"))
        assert answer.status_code == 422 and answer.json["errors"]["json"]["_schema"] == ["没有要修改的内容：请至少填写一项"]


@pytest.mark.parametrize("path, body", [
    ("/kinships", {"invite_code": "ABCD1234", "relation": "儿子"}),
    ("/ledger/gifts", {"to_household_id": 1, "minutes": 60}),
    ("/ledger/donations", {"minutes": 60}),
])
def test_an_admin_without_a_household_is_told_so_not_a_500(any_app, path, body):
    """Admins pass every role's gate; the household operations then found no household."""
    as_demo = demo_logins(any_app)
    answer = any_app.test_client().post(f"{API}{path}", json=body,
                                    headers={**as_demo("admin"), "Idempotency-Key": "openapi-test-key-1"})
    assert answer.status_code == 422 and answer.json["errors"]["rule"] == "household_required"
