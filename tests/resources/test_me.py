"""The member's own details: health needs only with separate consent (PIPL)."""

from server.models import Member
from tests.factories import headers, make_community, make_coordinator, make_member


def test_health_needs_need_consent_and_are_erased_on_withdrawal(app):
    member = make_member(make_community())
    client = app.test_client()
    refused = client.patch("/api/v1/me", headers=headers(app, member), json={"health_needs": "高血压，需要陪同就医"})
    assert refused.status_code == 422 and refused.json["errors"]["json"]["health_needs"]
    ok = client.patch("/api/v1/me", headers=headers(app, member),
                      json={"consent_health": True, "health_needs": "高血压，需要陪同就医"})
    assert ok.status_code == 200 and ok.json["health_needs"] == "高血压，需要陪同就医" and ok.json["consent_health"]
    withdrawn = client.patch("/api/v1/me", headers=headers(app, member), json={"consent_health": False})
    assert withdrawn.json["health_needs"] is None
    assert Member.get_by_id(member.id).health_needs is None


def test_health_needs_visible_to_coordinator_not_to_neighbours(app):
    community = make_community()
    member = make_member(community)
    client = app.test_client()
    client.patch("/api/v1/me", headers=headers(app, member), json={"consent_health": True, "health_needs": "糖尿病"})
    coordinator = make_coordinator(community)
    seen = client.get(f"/api/v1/members/{member.id}", headers=headers(app, coordinator)).json
    assert seen["health_needs"] == "糖尿病"
    household = client.get(f"/api/v1/households/{member.household_id}", headers=headers(app, make_coordinator(community))).json
    assert household["members"][0]["health_needs"] == "糖尿病"


def test_privacy_agreement_and_profile_edit(app):
    member = make_member(make_community())
    client = app.test_client()
    answer = client.patch("/api/v1/me", headers=headers(app, member),
                          json={"agree_privacy": True, "name": "王秀兰", "phone": "13900001111"})
    assert answer.json["privacy_agreed"] is True and answer.json["name"] == "王秀兰"
    bad = client.patch("/api/v1/me", headers=headers(app, member), json={"phone": "12", "gender": "x"})
    assert bad.status_code == 422 and set(bad.json["errors"]["json"]) == {"phone", "gender"}


def test_me_is_what_its_schema_would_write_in_one_statement(any_app):
    """/me is built JSON-ready (marshmallow does not walk it again) and read with the login check in one
    statement: it must be exactly what MeSchema writes from the same values, keys in the same order, for a
    volunteer, a resident and a coordinator without a household, as the gate read them and as PATCH does."""
    from server.ready import Ready
    from server.resources.me.schemas import MeSchema
    from server.services.people import me
    from tests.factories import make_volunteer
    from tests.sql_log import statements

    community = make_community()
    volunteer, _ = make_volunteer(community)
    people = [volunteer, make_member(community), make_coordinator(community)]
    schema, client = MeSchema(), any_app.test_client()
    for member in people:
        walked = schema.dump(me.me_values(Member.get_by_id(member.id)))
        for answer in (me.me_view(me.signed_in(member.id)), me.me_view(Member.get_by_id(member.id))):
            assert isinstance(answer, Ready) and schema.dump(answer) is answer
            assert answer == walked and list(answer) == list(walked)
        token = headers(any_app, member)
        with statements() as sent:
            seen = client.get("/api/v1/me", headers=token)
        assert seen.status_code == 200 and seen.json == walked
        assert len(sent) == 1, sent
    assert walked["volunteer"] is None and people[0]
    assert me.me_view(me.signed_in(volunteer.id))["volunteer"]["status"] == "active"
