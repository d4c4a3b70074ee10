"""An erased household cannot be taken over: its invite code dies, a household left with nobody closes,
its balance goes to the love pool with a passbook line saying why, and nobody joins it again."""

from server.models import Household, Member, Transfer
from server.services.ledger import core as ledger
from server.services.ledger import ledger_ops, ledger_verify
from server.services.people import data_rights
from tests.factories import headers, make_community, make_coordinator, make_member, make_volunteer


def _erase(client, app, member):
    answer = client.post("/api/v1/me/erasure", json={"confirm": True}, headers=headers(app, member))
    assert answer.status_code == 200, answer.json


def test_a_stranger_cannot_take_over_an_erased_volunteers_household(any_app):
    """The trial's story: a volunteer alone in a household with 1,800 minutes erases their data; a stranger
    holding the old invite code tries to join and spend."""
    client = any_app.test_client()
    community = make_community()
    coordinator = make_coordinator(community)
    li, _ = make_volunteer(community, name="李建国")
    household = Household.get_by_id(li.household_id)
    old_code = household.invite_code
    ledger_ops.adjust(coordinator, household, minutes=1800, reason="纸质存折转入", key="paper-passbook")
    pool_before = ledger.system_account(community.id, "love_pool").posted_minutes

    _erase(client, any_app, li)

    stranger = make_member(community, household=False)
    joined = client.post("/api/v1/households/join", headers=headers(any_app, stranger),
                         json={"invite_code": old_code, "relation": "儿子"})
    assert joined.status_code == 422 and joined.json["errors"]["rule"] == "bad_invite_code"
    # whatever code the closed household holds now, it opens nothing
    current = Household.get_by_id(household.id)
    assert current.closed_at is not None and current.invite_code != old_code
    closed = client.post("/api/v1/households/join", headers=headers(any_app, stranger),
                         json={"invite_code": current.invite_code, "relation": "儿子"})
    assert closed.status_code == 409, closed.json
    assert closed.json["errors"]["rule"] == "household_closed" and "invite_code" in closed.json["errors"]["json"]
    assert "关闭" in closed.json["message"]
    assert Member.get_by_id(stranger.id).household_id is None

    # the balance went to the love pool, and the passbook says why
    assert ledger.household_account(household.id).posted_minutes == 0
    assert ledger.system_account(community.id, "love_pool").posted_minutes == pool_before + 1800
    passbook = client.get(f"/api/v1/households/{household.id}/passbook", headers=headers(any_app, coordinator)).json
    line = passbook["entries"][0]
    assert (line["code"], line["code_label"], line["minutes"], line["running_balance_minutes"]) == (
        "household_closed", "销户转入爱心池", -1800, 0)
    assert "注销" in line["content"] and "爱心池" in line["content"]
    view = client.get(f"/api/v1/households/{household.id}", headers=headers(any_app, coordinator)).json
    assert view["invite_code"] is None and view["closed_at"] is not None and view["members"] == []

    # nobody re-opens it: no new code, no kinship, no gift into it
    again = client.post(f"/api/v1/households/{household.id}/invite-code", headers=headers(any_app, coordinator))
    assert again.status_code == 409 and again.json["errors"]["rule"] == "household_closed"
    neighbour = make_member(community)
    kin = client.post("/api/v1/kinships", headers=headers(any_app, neighbour),
                      json={"invite_code": current.invite_code, "relation": "儿子"})
    assert kin.status_code == 409 and kin.json["errors"]["rule"] == "household_closed"

    # the move is one transfer, legs summing to zero, made once however often erasure or closing runs
    moved = Transfer.get(Transfer.code == "household_closed")
    assert moved.minutes == 1800 and moved.details["content"] == ledger_ops.CLOSED_REASON
    data_rights.erase(Member.get_by_id(li.id))
    assert ledger_ops.close_account(Household.get_by_id(household.id)).id == moved.id
    assert Transfer.select().where(Transfer.code == "household_closed").count() == 1
    assert ledger_verify.verify() == []


def test_erasing_one_of_a_family_kills_the_code_but_keeps_the_household(any_app):
    client = any_app.test_client()
    community = make_community()
    coordinator = make_coordinator(community)
    head = make_member(community, name="王秀兰")
    household = Household.get_by_id(head.household_id)
    son = make_member(household=False)
    assert client.post("/api/v1/households/join", headers=headers(any_app, son),
                       json={"invite_code": household.invite_code, "relation": "儿子"}).status_code == 200
    ledger_ops.adjust(coordinator, household, minutes=600, reason="纸质存折转入", key="paper-passbook")

    _erase(client, any_app, son)

    view = client.get(f"/api/v1/households/{household.id}", headers=headers(any_app, head)).json
    assert view["closed_at"] is None and view["invite_code"] not in (None, household.invite_code)
    stranger = make_member(household=False)
    old = client.post("/api/v1/households/join", headers=headers(any_app, stranger),
                      json={"invite_code": household.invite_code, "relation": "儿子"})
    assert old.status_code == 422
    assert ledger.household_account(household.id).posted_minutes == 600  # the family keeps its hours
    assert not Transfer.select().where(Transfer.code == "household_closed").exists()
    new = client.post("/api/v1/households/join", headers=headers(any_app, stranger),
                      json={"invite_code": view["invite_code"], "relation": "儿子"})
    assert new.status_code == 200
    assert ledger_verify.verify() == []


def test_an_empty_household_closes_without_a_transfer(any_app):
    """Nothing left to move: closed, no zero-minute transfer."""
    community = make_community()
    alone = make_member(community)
    data_rights.erase(alone)
    assert Household.get_by_id(alone.household_id).closed_at is not None
    assert not Transfer.select().where(Transfer.code == "household_closed").exists()
    assert ledger_verify.verify() == []


def test_a_coordinator_adds_no_hours_to_a_closed_household(any_app):
    """Nobody is left to spend them: an adjustment adding hours, or a love-pool grant, into a closed
    household is refused (409 naming the household); taking hours back stays possible."""
    client = any_app.test_client()
    community = make_community()
    coordinator = make_coordinator(community)
    alone = make_member(community)
    household = Household.get_by_id(alone.household_id)
    _erase(client, any_app, alone)
    for path in ("adjustments", "grants"):
        answer = client.post(f"/api/v1/ledger/{path}", json={"household_id": household.id, "minutes": 60, "reason": "补录"},
                             headers={**headers(any_app, coordinator), "Idempotency-Key": f"closed-{path}"})
        assert answer.status_code == 409, answer.json
        assert answer.json["errors"]["rule"] == "household_closed" and "household_id" in answer.json["errors"]["json"]
    assert ledger_verify.verify() == []
