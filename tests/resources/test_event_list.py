"""Does the activity list cost the same few queries however many activities it shows, and still count right?"""

from contextlib import contextmanager

from server.db import database
from server.models import Member
from server.services.board import events
from tests.factories import headers, make_community, make_coordinator, make_event, make_volunteer


@contextmanager
def _counted():
    """Every statement the database runs meanwhile (a hook sends each one through peewee)."""
    seen = []

    def hook(event):
        seen.append(event.sql)

    database.obj.query_hooks.append(hook)
    try:
        yield seen
    finally:
        database.obj.query_hooks.remove(hook)


def test_the_event_list_costs_the_same_queries_for_two_activities_as_for_six(any_app):
    community = make_community()
    coordinator = make_coordinator(community)
    first, second, third = (Member.get_by_id(make_volunteer(community)[0].id) for _ in range(3))
    client = any_app.test_client()
    auth = headers(any_app, first)

    def add_event():
        event = make_event(coordinator, capacity=1)
        events.signup(second, event)  # signed
        events.signup(third, event)  # waitlisted
        return event

    mine = add_event()
    events.signup(first, mine)  # waitlisted behind `third`
    add_event()
    with _counted() as two:
        answer = client.get("/api/v1/events", headers=auth)
    assert answer.status_code == 200 and len(answer.json["items"]) == 2
    for _ in range(4):
        add_event()
    with _counted() as six:
        answer = client.get("/api/v1/events", headers=auth)
    assert answer.status_code == 200 and len(answer.json["items"]) == 6
    assert len(six) == len(two), "each activity listed costs queries of its own"
    assert all((e["signed"], e["waitlisted"]) == (1, 1 + (e["id"] == mine.id)) for e in answer.json["items"])
    assert {e["id"]: e["my_status"] for e in answer.json["items"] if e["my_status"]} == {mine.id: "waitlisted"}
    assert not any(e["my_checked_in"] for e in answer.json["items"])
