"""`Idempotency-Key`: scoped to the caller and the endpoint, and honoured by every creating POST."""

import datetime as dt
import threading

from server import clock
from server.models import IdempotentRequest, Member, Request, ServiceRecord, Transfer
from server.services.ledger import ledger_ops
from tests.factories import (
    afternoon,
    headers,
    make_community,
    make_coordinator,
    make_member,
    make_volunteer,
    need,
)

KEY = "retry-0000-0001"


def _creating_posts(app) -> list[tuple[str, object]]:
    """(rule, view method) for every POST documented with a 201 answer."""
    found = []
    for rule in app.url_map.iter_rules():
        if "POST" not in rule.methods:
            continue
        view = getattr(app.view_functions[rule.endpoint], "view_class", None)
        method = getattr(view, "post", None)
        doc = getattr(method, "_apidoc", {})
        if 201 in doc.get("success_status_codes", []):
            found.append((rule.rule, method))
    return found


def test_every_creating_post_honours_the_key_and_documents_it(app):
    """Walks the URL map: a creating POST added later cannot forget the key."""
    posts = _creating_posts(app)
    assert len(posts) >= 20 and "/api/v1/requests" in [rule for rule, _ in posts]
    assert [rule for rule, method in posts if not method._apidoc.get("idempotent")] == []
    spec = app.test_client().get("/api/v1/openapi.json").json
    for rule, _ in posts:
        path = rule.replace("<int:", "{").replace(">", "}")
        parameters = spec["paths"][path]["post"].get("parameters", [])
        assert "Idempotency-Key" in [p["name"] for p in parameters if p["in"] == "header"], rule


def _book(client, app, member, body, key=KEY):
    return client.post("/api/v1/requests", json=body, headers={**headers(app, member), "Idempotency-Key": key})


def test_the_same_booking_sent_twice_with_one_key_is_one_booking(any_app):
    community = make_community()
    resident = make_member(community)
    client = any_app.test_client()
    start = clock.now().replace(second=0, microsecond=0) + dt.timedelta(hours=2)
    body = {**need(), "window_start": start.isoformat(), "window_end": (start + dt.timedelta(hours=3)).isoformat()}
    first = _book(client, any_app, resident, body)
    assert first.status_code == 201, first.json
    again = _book(client, any_app, resident, body)
    assert (again.status_code, again.get_data()) == (201, first.get_data())
    assert again.headers["Idempotent-Replayed"] == "true"
    assert Request.select().where(Request.requester == resident.id).count() == 1
    other = _book(client, any_app, resident, {**body, "description": "换成修冰箱"})
    assert other.status_code == 409 and other.json["errors"]["rule"] == "idempotency_key_reused"
    assert "Idempotency-Key" in other.json["errors"]["json"]
    # another member's key is theirs alone; without a key every booking is new
    neighbour = make_member(community)
    assert _book(client, any_app, neighbour, body).status_code == 201
    plain = client.post("/api/v1/requests", json=body, headers=headers(any_app, resident))
    assert plain.status_code == 201 and plain.json["id"] != first.json["id"]
    assert Request.select().count() == 3


def test_a_refused_request_keeps_nothing_and_may_be_sent_again(any_app):
    community = make_community()
    resident = make_member(community)
    client = any_app.test_client()
    start = clock.now().replace(second=0, microsecond=0) + dt.timedelta(hours=2)
    body = {**need(), "window_start": start.isoformat(), "window_end": (start + dt.timedelta(hours=3)).isoformat()}
    refused = _book(client, any_app, resident, {**body, "category_code": "nonsense"})
    assert refused.status_code == 422
    assert IdempotentRequest.select().count() == 0
    assert _book(client, any_app, resident, body).status_code == 201  # the key was not used up by the refusal
    short = _book(client, any_app, resident, body, key="abc")
    assert short.status_code == 422 and "Idempotency-Key" in short.json["errors"]["json"]


def test_a_self_report_sent_twice_is_one_record(any_app):
    community = make_community()
    volunteer, _ = make_volunteer(community)
    witness = make_member(community)
    start = afternoon() - dt.timedelta(hours=3)  # the same day, whatever the hour
    body = {"category_code": "repairs", "place": "3号楼", "content": "修理水龙头", "witness_member_id": witness.id,
            "started_at": start.isoformat(), "ended_at": (start + dt.timedelta(minutes=60)).isoformat()}
    client = any_app.test_client()
    sent = [client.post("/api/v1/service-records", json=body, headers={**headers(any_app, volunteer), "Idempotency-Key": KEY})
            for _ in range(2)]
    assert [r.status_code for r in sent] == [201, 201] and sent[0].json["id"] == sent[1].json["id"]
    assert ServiceRecord.select().where(ServiceRecord.volunteer == volunteer.id).count() == 1


def test_two_members_may_choose_the_same_key_for_a_donation(any_app):
    """The nurse's donation was refused 409 because the volunteer had used the same key."""
    community = make_community()
    coordinator = make_coordinator(community)
    volunteer, nurse = make_member(community), make_member(community)
    for n, member in enumerate((volunteer, nurse)):
        ledger_ops.adjust(coordinator, Member.get_by_id(member.id).household, minutes=120, reason="开户补录", key=f"fund:{n}")
    client = any_app.test_client()
    donations = [client.post("/api/v1/ledger/donations", json={"minutes": 60},
                             headers={**headers(any_app, member), "Idempotency-Key": KEY}) for member in (volunteer, nurse)]
    assert [d.status_code for d in donations] == [201, 201], donations[1].json
    assert donations[0].json["id"] != donations[1].json["id"]
    # and one member's same key on another endpoint is another operation
    gift_key = client.post("/api/v1/ledger/donations", json={"minutes": 30},
                           headers={**headers(any_app, volunteer), "Idempotency-Key": "other-key-0001"})
    assert gift_key.status_code == 201
    assert Transfer.select().where(Transfer.code == "donation").count() == 3


def test_twins_racing_with_one_key_make_one_booking(any_app):
    """Two taps at once (or a retry while the first is still running): one booking, both answers alike."""
    community = make_community()
    resident = make_member(community)
    start = clock.now().replace(second=0, microsecond=0) + dt.timedelta(hours=2)
    body = {**need(), "window_start": start.isoformat(), "window_end": (start + dt.timedelta(hours=3)).isoformat()}
    auth = {**headers(any_app, resident), "Idempotency-Key": KEY}
    barrier, answers = threading.Barrier(4), []

    def tap():
        client = any_app.test_client()
        barrier.wait()
        answers.append(client.post("/api/v1/requests", json=body, headers=auth))

    threads = [threading.Thread(target=tap) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert [a.status_code for a in answers] == [201] * 4, [a.json for a in answers]
    assert len({a.json["id"] for a in answers}) == 1
    assert Request.select().where(Request.requester == resident.id).count() == 1
