"""One pager on the wire: does every list page by `cursor`/`limit` and answer `next_cursor`, and does
walking a list page by page give every row exactly once, in the list's order, whatever is added meanwhile?

The pager is server/extensions/pager.py; the lists are found in the OpenAPI description, so a new list
that pages some other way, or a list that can grow without bound and is not paged, fails here.
"""

import base64
import datetime as dt
import json

import pytest

from server import clock
from server.db import database
from server.models import Community, Member, Notice, Request, Volunteer
from server.services.imports import core as imports
from tests.factories import make_agreement, make_event, make_request
from tests.resources.test_notifications import deliver
from tests.resources.test_openapi import API, demo_logins

# Lists answered whole, each bounded by something other than time: a resident's own few, a catalogue,
# a year or a month. Anything else that answers a JSON array fails test_only_bounded_lists_answer_an_array.
BOUNDED = {
    "/communities": "the communities of one city",
    "/teams": "a community's service teams",
    "/kinships": "a member's own family links",
    "/households/{household_id}/statements": "one household's closed months",
    "/tasks/mine": "my tasks still ahead",
    "/recipient-files": "a community's recipients on file",
    "/subscriptions": "my WeChat message subscriptions",
    "/communities/{community_id}/audits": "a community's audits, a few a year",
    "/notices/{notice_id}/objections": "one notice's objections",
    "/communities/{community_id}/star-awards": "one year's star awards",
    "/auth/dev-logins": "the demo's logins",
    "/providers": "a community's contracted providers, a handful (at most 200)",
    "/households/{household_id}/code-cards": "one household's witness code cards, the newest 50",
    "/households/{household_id}/moves": "one household's moves (迁移), the newest 50",
    "/networks": "the exchange networks of one deployment (a station sees its own), at most 200",
}

# Every list that grows with time pages; (login, path, where its rows are in the answer).
WALKS = {
    "/households": ("coordinator", "/households", "items"),
    "/volunteers": ("coordinator", "/volunteers", "items"),
    "/volunteers/applications": ("coordinator", "/volunteers/applications", "items"),
    "/service-records": ("coordinator", "/service-records?view=community", "items"),
    "/tasks": ("volunteer", "/tasks", "items"),
    "/notifications": ("resident", "/notifications", "items"),
    "/notices": ("resident", "/notices", "items"),
    "/me/passbook": ("volunteer", "/me/passbook", "entries"),
    "/households/{household_id}/passbook": ("coordinator", "/households/{volunteer_household}/passbook", "entries"),
    "/requests": ("resident", "/requests", "items"),
    "/payback-requests": ("resident", "/payback-requests", "items"),
    "/agreements": ("coordinator", "/agreements", "items"),
    "/events": ("volunteer", "/events", "items"),
    "/corrections": ("coordinator", "/corrections", "items"),
    "/imports": ("coordinator", "/imports", "items"),
}


@pytest.fixture
def spec(app):
    return app.test_client().get(f"{API}/openapi.json").json


def _schema(spec, schema):
    if "$ref" in schema:
        return spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    return schema


def _lists(spec):
    """(path, operation, answer schema) of every GET whose answer is a list or holds a paged one."""
    for path, operations in spec["paths"].items():
        operation = operations.get("get")
        content = operation and operation["responses"].get("200", {}).get("content", {}).get("application/json")
        if content:
            yield path.removeprefix(API), operation, _schema(spec, content["schema"])


def _query(operation):
    return {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"}


def test_every_paged_list_documents_the_same_cursor_limit_and_next_cursor(spec):
    paged = set()
    for path, operation, schema in _lists(spec):
        query = _query(operation)
        if "cursor" not in query:
            assert not {"page", "page_size", "before"} & set(query), f"{path} pages another way"
            continue
        paged.add(path)
        assert query["cursor"]["schema"] == {"type": "string", "maxLength": 200}, path
        assert "next_cursor" in query["cursor"]["description"], path
        limit = query["limit"]["schema"]
        assert (limit["type"], limit["minimum"], limit["default"]) == ("integer", 1, 20), path
        assert 50 <= limit["maximum"] <= 100, path
        assert schema["properties"]["next_cursor"] == {
            "type": "string", "nullable": True,
            "description": "Pass back as `cursor` for the next page; null on the last page"}, path
        assert "422" in operation["responses"], path  # a bad cursor
        assert "X-Pagination" not in operation["responses"]["200"].get("headers", {}), path
    assert paged == set(WALKS)
    assert "PAGINATION" not in spec["components"].get("headers", {})


def test_only_bounded_lists_answer_an_array(spec):
    arrays = {path for path, _, schema in _lists(spec) if schema.get("type") == "array"}
    assert arrays == set(BOUNDED), "a list that can grow pages by cursor (server/extensions/pager.py)"


def _more_rows(app):
    """What the demo has too little of: notices (two published at one moment: the id breaks the tie),
    notifications, applications, payback requests (booked, then flagged: the list reads the flag), an
    agreement and activities (two starting at one moment)."""
    with app.app_context(), database.connection_context():
        resident = Member.get(Member.handle == "resident")
        community = Community.get_by_id(resident.community_id)
        when = clock.now().replace(microsecond=0)
        for quarter, published in ((1, when - dt.timedelta(days=1)), (2, when), (3, when)):
            Notice.create(community=community, kind="quarterly", year=2020, quarter=quarter, title=f"第{quarter}季度",
                          period_start=dt.date(2020, 1, 1), period_end=dt.date(2020, 4, 1), published_at=published,
                          objection_until=when + dt.timedelta(days=7))
        deliver(resident, 3)
        payback = [make_request(resident).id for _ in range(2)]
        Request.update(payback=True).where(Request.id.in_(payback)).execute()
        coordinator, volunteer = (Member.get(Member.handle == h) for h in ("coordinator", "volunteer"))
        make_agreement(coordinator, resident, [volunteer])
        for hours in (48, 72, 72):
            make_event(coordinator, starts_at=when + dt.timedelta(hours=hours))
        Volunteer.update(status="pending", status_changed_at=when).where(Volunteer.community == community).execute()
        for n in (1, 2):
            imports.upload(coordinator, community_id=community.id, kind="households", filename=f"{n}.csv",
                           data=f"楼栋,房号,姓名,与户主关系\n99栋,{n},测试,本人\n".encode())


def _walk(client, url, rows_key, headers, limit):
    seen, cursor, pages = [], None, 0
    while True:
        sep = "&" if "?" in url else "?"
        answer = client.get(f"{url}{sep}limit={limit}" + (f"&cursor={cursor}" if cursor else ""), headers=headers)
        assert answer.status_code == 200, answer.json
        page = answer.json
        assert len(page[rows_key]) <= limit
        seen += [row["id"] for row in page[rows_key]]
        cursor, pages = page["next_cursor"], pages + 1
        if cursor is None:
            return seen
        assert pages < 100


@pytest.mark.parametrize("operation", sorted(WALKS))
def test_walking_a_list_gives_every_row_once_in_its_order(any_app, operation):
    as_demo = demo_logins(any_app)
    _more_rows(any_app)
    handle, url, rows_key = WALKS[operation]
    with any_app.app_context(), database.connection_context():
        url = url.format(volunteer_household=Member.get(Member.handle == "volunteer").household_id)
    client = any_app.test_client()
    whole = client.get(f"{API}{url}", headers=as_demo(handle)).json  # the first page holds them all
    assert whole["next_cursor"] is None
    expected = [row["id"] for row in whole[rows_key]]
    assert len(expected) >= 2, "too few rows to walk"
    assert _walk(client, f"{API}{url}", rows_key, as_demo(handle), limit=1) == expected
    assert _walk(client, f"{API}{url}", rows_key, as_demo(handle), limit=2) == expected


def test_a_cursor_is_stable_under_inserts(any_app):
    """A notice published while reading lands on the first page's side of the cursor: the next page
    neither repeats a row nor skips one."""
    as_demo = demo_logins(any_app)
    _more_rows(any_app)
    client = any_app.test_client()
    first = client.get(f"{API}/notices?limit=2", headers=as_demo("resident")).json
    with any_app.app_context(), database.connection_context():
        community = Member.get(Member.handle == "resident").community_id
        Notice.create(community=community, kind="quarterly", year=2020, quarter=4, title="新公告",
                      period_start=dt.date(2020, 10, 1), period_end=dt.date(2021, 1, 1),
                      objection_until=clock.now() + dt.timedelta(days=7))
    rest = client.get(f"{API}/notices?limit=2&cursor={first['next_cursor']}", headers=as_demo("resident")).json
    ids = [n["id"] for n in first["items"]] + [n["id"] for n in rest["items"]]
    assert ids == [3, 2, 1] and rest["next_cursor"] is None


def _cursor(values) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


@pytest.mark.parametrize("cursor", [
    "garbage", "%%%", _cursor({"id": 1}), _cursor([1, 2]), _cursor(["1"]), _cursor([True]), _cursor([2**63]),
    _cursor([-(2**63)]), "x" * 201])
def test_a_bad_cursor_is_422_naming_cursor(app, cursor):
    """The inbox's cursor carries one id: not ours, another shape, another type or past 64 bits is 422."""
    as_demo = demo_logins(app)
    answer = app.test_client().get(f"{API}/notifications", query_string={"cursor": cursor}, headers=as_demo("resident"))
    assert answer.status_code == 422
    assert answer.json["errors"]["query"]["cursor"] == ["翻页参数不对，请从第一页重新加载"]
