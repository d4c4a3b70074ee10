"""短信提醒: a member's recorded consent to texts, given in the app or at the counter, and withdrawn."""

from server.models import SmsConsent
from tests.factories import headers, make_community, make_coordinator, make_member


def put(app, actor, member, **body):
    return app.test_client().put(f"/api/v1/members/{member.id}/sms", headers=headers(app, actor),
                                 json={"consent": True, **body})


def test_a_member_turns_texts_on_in_the_app_for_their_phone_on_file(any_app):
    community = make_community()
    elder = make_member(community, phone="13812345678")
    answer = put(any_app, elder, elder, via="app")
    assert answer.status_code == 200, answer.json
    assert (answer.json["enabled"], answer.json["phone"], answer.json["via"]) == (True, "138****5678", "app")
    assert answer.json["recorded_by_name"] == elder.name and answer.json["messages"] == []
    again = put(any_app, elder, elder, via="app")  # the same consent again: nothing new recorded
    assert again.status_code == 200 and SmsConsent.select().count() == 1


def test_the_station_records_a_paper_consent_for_a_relatives_phone_and_a_new_phone_is_a_new_consent(any_app):
    community = make_community()
    elder, coordinator = make_member(community), make_coordinator(community)
    answer = put(any_app, coordinator, elder, via="counter", phone="137 0000 2222", form_ref="XF-001")
    assert answer.status_code == 200, answer.json
    assert (answer.json["phone"], answer.json["form_ref"]) == ("137****2222", "XF-001")
    changed = put(any_app, coordinator, elder, via="counter", phone="13600003333", form_ref="XF-002")
    assert changed.json["phone"] == "136****3333"
    rows = list(SmsConsent.select().order_by(SmsConsent.id))
    assert [(r.phone, r.withdrawn_at is not None, r.recorded_by_id) for r in rows] == [
        ("13700002222", True, coordinator.id), ("13600003333", False, coordinator.id)]


def test_withdrawing_keeps_the_consent_with_who_and_when(any_app):
    community = make_community()
    elder, coordinator = make_member(community), make_coordinator(community)
    put(any_app, elder, elder, via="app")
    client = any_app.test_client()
    answer = client.delete(f"/api/v1/members/{elder.id}/sms", headers=headers(any_app, coordinator))
    assert answer.status_code == 200 and answer.json["enabled"] is False and answer.json["withdrawn_at"]
    assert client.delete(f"/api/v1/members/{elder.id}/sms", headers=headers(any_app, elder)).status_code == 200
    row = SmsConsent.get()
    assert row.withdrawn_by_id == coordinator.id
    shown = client.get(f"/api/v1/members/{elder.id}/sms", headers=headers(any_app, elder)).json
    assert shown["enabled"] is False and shown["via"] == "app"


def test_who_may_record_which_consent(any_app):
    community = make_community()
    elder, neighbour, coordinator = make_member(community), make_member(community), make_coordinator(community)
    # the app is the member's own; the counter is the station's
    assert put(any_app, coordinator, elder, via="app").status_code == 403
    assert put(any_app, elder, elder, via="counter", form_ref="X1").status_code == 403
    # a neighbour of the same community may neither see nor change it
    assert put(any_app, neighbour, elder, via="app").status_code == 403
    client = any_app.test_client()
    assert client.get(f"/api/v1/members/{elder.id}/sms", headers=headers(any_app, neighbour)).status_code == 403
    assert client.delete(f"/api/v1/members/{elder.id}/sms", headers=headers(any_app, neighbour)).status_code == 403
    # another community's station: not found
    other = make_coordinator(make_community())
    assert put(any_app, other, elder, via="counter", form_ref="X1").status_code == 404


def test_bad_input_is_refused_in_chinese_naming_the_field(any_app):
    community = make_community()
    elder, coordinator = make_member(community, phone=""), make_coordinator(community)
    cases = [
        (dict(via="app"), "phone"),  # no phone on file and none given
        (dict(via="app", phone="1234"), "phone"),
        (dict(via="app", phone="23812345678"), "phone"),
        (dict(via="fax", phone="13812345678"), "via"),
    ]
    for body, field in cases:
        answer = put(any_app, elder, elder, **body)
        assert answer.status_code == 422, (body, answer.json)
        assert field in str(answer.json["errors"]), (body, answer.json)
    no_form = put(any_app, coordinator, elder, via="counter", phone="13812345678")
    assert no_form.status_code == 422 and "form_ref" in no_form.json["errors"]["json"]
    assert "同意书" in str(no_form.json)
    refused = any_app.test_client().put(f"/api/v1/members/{elder.id}/sms", headers=headers(any_app, elder),
                                        json={"consent": False, "via": "app", "phone": "13812345678"})
    assert refused.status_code == 422 and "consent" in refused.json["errors"]["json"]


def test_the_households_view_shows_who_gets_texts(any_app):
    community = make_community()
    elder, coordinator = make_member(community), make_coordinator(community)
    put(any_app, coordinator, elder, via="counter", phone="13812345678", form_ref="XF-9")
    answer = any_app.test_client().get(f"/api/v1/households/{elder.household_id}", headers=headers(any_app, coordinator))
    assert answer.status_code == 200, answer.json
    [member] = answer.json["members"]
    assert member["sms_enabled"] is True


def test_erasing_a_member_drops_their_texts_and_number_but_keeps_the_consents_dates(any_app):
    from server.services.people import data_rights

    community = make_community()
    elder = make_member(community, phone="13812345678")
    put(any_app, elder, elder, via="app")
    assert data_rights.export(elder)["consents"]["sms"][0]["phone"] == "13812345678"
    data_rights.erase(elder)
    row = SmsConsent.get()
    assert row.phone == "" and row.withdrawn_at is not None


def test_the_demo_shows_a_counter_consent_for_an_elder_without_wechat(any_app):
    from server.models import Member
    from server.services.people import demo

    assert demo.load()
    grandpa = Member.get(Member.name == "王德顺")
    coordinator = Member.get(Member.handle == "coordinator")
    shown = any_app.test_client().get(f"/api/v1/members/{grandpa.id}/sms", headers=headers(any_app, coordinator)).json
    assert (shown["enabled"], shown["via"], shown["phone"]) == (True, "counter", "137****0011")
