"""What the review of issue #15 found in the ledger's part of the exchange, mended: a household's hours come
over once whatever the number of its statements; kinship across communities is confirmed by both households;
a movement across counts its minutes once. SQLite and PostgreSQL."""

import datetime as dt
import json

import pytest

from server import clock, runtime
from server.errors import Forbidden, RuleBroken
from server.models import Household, Transfer
from server.services.ledger import core as ledger
from server.services.ledger import ledger_ops, ledger_verify, networks, signing, statement_import, statements
from server.services.ledger.transfer_views import kinship_view, transfer_view
from tests.factories import make_admin, make_community, make_coordinator, make_member


def _fund(member, minutes, key):
    household = Household.get_by_id(member.household_id)
    return ledger_ops.adjust(make_coordinator(household.community), household, minutes=minutes, reason="测试入账",
                             key=key)


@pytest.fixture
def two_months(any_app, tmp_path):
    """A household of one community with October's statement (150) and November's (180), and a newcomer of
    another deployment that trusts the first one's keys."""
    source = make_community()
    resident = make_member(source)
    clock.freeze(dt.datetime(2026, 10, 20, 10, 0))
    _fund(resident, 150, "october")
    clock.freeze(dt.datetime(2026, 11, 2, 9, 30))
    october = statements.close_month(Household.get_by_id(resident.household_id), 2026, 10)
    clock.freeze(dt.datetime(2026, 11, 20, 10, 0))
    _fund(resident, 30, "november")
    clock.freeze(dt.datetime(2026, 12, 2, 9, 30))
    november = statements.close_month(Household.get_by_id(resident.household_id), 2026, 11)
    assert (october.closing_minutes, november.closing_minutes) == (150, 180)
    trusted = tmp_path / "trusted.json"
    trusted.write_text(json.dumps(signing.published_keys(), ensure_ascii=False), encoding="utf-8")
    any_app.config["TRUSTED_STATEMENT_KEYS_FILE"] = str(trusted)
    runtime.configure(any_app.config)
    yield make_member(make_community()), signing.signed(october), signing.signed(november)
    any_app.config["TRUSTED_STATEMENT_KEYS_FILE"] = ""
    runtime.configure(any_app.config)


def test_a_later_statement_of_a_household_brings_only_what_it_adds(two_months):
    newcomer, october, november = two_months
    first, _ = statement_import.import_statement(october, newcomer.household_id)
    later, fresh = statement_import.import_statement(november, newcomer.household_id)
    assert fresh and (first.minutes, later.minutes) == (150, 30)
    assert later.details["imported_before_minutes"] == 150
    assert ledger.household_account(newcomer.household_id).posted_minutes == 180
    # Each again: nothing more (a replay of its own row); the older one after the later: refused.
    assert statement_import.import_statement(november, newcomer.household_id)[0].id == later.id
    assert statement_import.import_statement(october, newcomer.household_id)[0].id == first.id
    assert ledger.household_account(newcomer.household_id).posted_minutes == 180
    assert ledger_verify.verify() == []


def test_an_older_statement_after_a_later_one_brings_nothing(two_months):
    newcomer, october, november = two_months
    statement_import.import_statement(november, newcomer.household_id)
    with pytest.raises(RuleBroken) as refused:
        statement_import.import_statement(october, newcomer.household_id)
    assert refused.value.rule == "already_imported" and refused.value.field == "statement"
    assert "已经转入过3小时" in refused.value.message
    assert ledger.household_account(newcomer.household_id).posted_minutes == 180


def test_a_reversed_import_may_be_brought_again(two_months):
    newcomer, october, november = two_months
    first, _ = statement_import.import_statement(october, newcomer.household_id)
    ledger.reverse(first.id, key="undo-october", reason="导错了家庭")
    later, _ = statement_import.import_statement(november, newcomer.household_id)
    assert later.minutes == 180
    assert ledger.household_account(newcomer.household_id).posted_minutes == 180


@pytest.fixture
def across(any_app):
    hpl, xfy = make_community("和平里"), make_community("幸福苑")
    networks.create(make_admin(), name="和平街道", kind="街道", community_ids=[hpl.id, xfy.id])
    giver, relative = make_member(hpl), make_member(xfy)
    _fund(giver, 300, "fund-giver")
    kinship = ledger_ops.request_kinship(giver, invite_code=relative.household.invite_code, relation="母亲")
    return hpl, xfy, giver, relative, kinship


def test_a_gift_across_waits_for_both_households(across):
    hpl, xfy, giver, relative, kinship = across
    assert kinship_view(kinship)["waiting_for"] == ["station", "relative"]
    kinship = ledger_ops.confirm_kinship(make_coordinator(hpl), kinship)
    view = kinship_view(kinship)
    assert view["waiting_for"] == ["relative"] and view["station_confirmed"] and not view["confirmed"]
    with pytest.raises(RuleBroken) as refused:
        ledger_ops.gift(giver, to_household_id=relative.household_id, minutes=60, note="", key="gift-early")
    assert refused.value.rule == "kinship_not_accepted" and refused.value.field == "to_household_id"
    kinship = ledger_ops.accept_kinship(relative, kinship)
    assert kinship_view(kinship)["confirmed"] and kinship_view(kinship)["waiting_for"] == []
    gift = ledger_ops.gift(giver, to_household_id=relative.household_id, minutes=60, note="", key="gift-late")
    assert gift.minutes == 60 and transfer_view(gift)["minutes"] == 60
    assert ledger_verify.verify() == []


def test_who_may_accept_for_the_relative_household(across):
    hpl, xfy, giver, relative, kinship = across
    for outsider in (giver, make_member(xfy), make_coordinator(hpl)):
        with pytest.raises(Forbidden):
            ledger_ops.accept_kinship(outsider, kinship)
    # The relative household's own station, for an elder without a phone.
    station = make_coordinator(xfy)
    accepted = ledger_ops.accept_kinship(station, kinship)
    assert accepted.relative_accepted_by_id == station.id
    assert kinship in ledger_ops.kinships(station)  # the relative's station lists it
    # Once: a second acceptance changes nothing.
    assert ledger_ops.accept_kinship(relative, kinship).relative_accepted_by_id == station.id


def test_within_one_community_the_station_alone_confirms(any_app):
    community = make_community()
    giver, relative = make_member(community), make_member(community)
    _fund(giver, 120, "fund")
    kinship = ledger_ops.request_kinship(giver, invite_code=relative.household.invite_code, relation="母亲")
    kinship = ledger_ops.confirm_kinship(make_coordinator(community), kinship)
    assert kinship_view(kinship)["confirmed"] and not kinship_view(kinship)["across_communities"]
    with pytest.raises(RuleBroken) as refused:
        ledger_ops.accept_kinship(relative, kinship)
    assert refused.value.rule == "same_community"
    assert ledger_ops.gift(giver, to_household_id=relative.household_id, minutes=60, note="", key="g").minutes == 60


def test_a_movement_across_counts_its_minutes_once(across):
    hpl, xfy, giver, relative, kinship = across
    ledger_ops.confirm_kinship(make_coordinator(hpl), kinship)
    ledger_ops.accept_kinship(relative, kinship)
    gift = ledger_ops.gift(giver, to_household_id=relative.household_id, minutes=60, note="", key="gift-across-60")
    assert gift.minutes == 60
    back = ledger.reverse(gift.id, key="undo-gift", reason="转错了")
    assert Transfer.get_by_id(back.id).minutes == 60
    assert ledger_verify.verify() == []
