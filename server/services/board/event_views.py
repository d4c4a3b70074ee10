"""How an activity reads in the API: its sign-up counts and the viewer's own sign-up, for a whole list at once."""

from peewee import fn

from server.models import Event, EventSignup, Member

COUNTED = ("signed", "waitlisted")


def event_views(events: list[Event], viewer: Member) -> list[dict]:
    """Each event with its sign-up counts and the viewer's sign-up: two queries, however many events."""
    ids = [event.id for event in events]
    counts, mine = {}, {}
    if ids:
        counts = {(event_id, status): count for event_id, status, count in EventSignup.select(
            EventSignup.event, EventSignup.status, fn.COUNT(EventSignup.id)).where(
            EventSignup.event.in_(ids), EventSignup.status.in_(COUNTED)).group_by(
            EventSignup.event, EventSignup.status).tuples()}
        mine = {signup.event_id: signup for signup in EventSignup.select().where(
            EventSignup.event.in_(ids), EventSignup.volunteer == viewer.id)}
    return [_view(event, counts, mine.get(event.id)) for event in events]


def event_view(event: Event, viewer: Member) -> dict:
    return event_views([event], viewer)[0]


def _view(event: Event, counts: dict, mine: EventSignup | None) -> dict:
    return {"id": event.id, "title": event.title, "starts_at": event.starts_at, "place": event.place,
            "category_codes": event.category_codes, "capacity": event.capacity,
            "planned_minutes": event.planned_minutes, "description": event.description, "status": event.status,
            "signed": counts.get((event.id, "signed"), 0), "waitlisted": counts.get((event.id, "waitlisted"), 0),
            "my_status": mine.status if mine else None, "my_checked_in": bool(mine and mine.checked_in_at)}


def signup_view(signup: EventSignup) -> dict:
    return {"event_id": signup.event_id, "status": signup.status, "checked_in_at": signup.checked_in_at}
