"""Signed statements (issue 15 §4): are statements signed at close, is a forged one refused, does rotation
keep old statements verifiable, and is a statement from another bank imported once? SQLite and PostgreSQL."""

import datetime as dt
import json

import pytest

from server import clock, runtime
from server.errors import RuleBroken
from server.models import Community, Household, SigningKey, Statement, Transfer
from server.services.ledger import core as ledger
from server.services.ledger import ledger_ops, ledger_verify, passbook, signing, statement_import, statements
from tests.factories import make_community, make_coordinator, make_member


def _fund(member, minutes, key):
    household = Household.get_by_id(member.household_id)
    return ledger_ops.adjust(make_coordinator(household.community), household, minutes=minutes, reason="测试入账",
                             key=key)


@pytest.fixture
def closed(any_app):
    """A household of community A with 150 minutes in October 2026, its month closed on 2 November."""
    community = make_community()
    resident = make_member(community)
    clock.freeze(dt.datetime(2026, 10, 20, 10, 0))
    _fund(resident, 150, "october")
    clock.freeze(dt.datetime(2026, 11, 2, 9, 30))
    statement = statements.close_month(Household.get_by_id(resident.household_id), 2026, 10)
    return community, resident, statement


def test_a_closed_month_is_signed_over_its_canonical_form(closed):
    community, resident, statement = closed
    document = signing.signed(statement)
    assert {k: document[k] for k in ("community", "household", "period", "opening", "in", "out", "closing")} == {
        "community": community.code, "household": resident.household_id, "period": "2026-10", "opening": 0,
        "in": 150, "out": 0, "closing": 150}
    chain = ledger.LedgerChain.get(ledger.LedgerChain.community == community.id)
    assert (document["chain_seq"], document["chain_head"]) == (chain.last_seq, chain.last_hash)
    assert document["signed_at"] == "2026-11-02T09:30:00+08:00"
    key = SigningKey.get(SigningKey.community == community.id)
    assert document["key_id"] == key.key_id and key.key_id.startswith(f"{community.code}-20261102-")
    assert signing.verify(document)["valid"] is True
    # The canonical form by hand: sorted keys, no spaces, UTF-8.
    fields = {k: v for k, v in document.items() if k not in ("key_id", "signature")}
    assert signing.canonical(fields) == json.dumps(fields, sort_keys=True, separators=(",", ":"),
                                                   ensure_ascii=False).encode()
    # Closing twice signs nothing new.
    again = statements.close_month(Household.get_by_id(resident.household_id), 2026, 10)
    assert again.signature == statement.signature and SigningKey.select().count() == 1


def test_a_statement_keeps_what_it_said_when_the_community_is_renamed(closed):
    community, _, statement = closed
    Community.update(name="和平里街道第一社区").where(Community.id == community.id).execute()
    document = signing.signed(Statement.get_by_id(statement.id))
    assert document["community_name"] == community.name
    assert signing.verify(document)["valid"] is True


def test_the_private_key_is_encrypted_and_never_published(closed):
    community, _, _ = closed
    key = SigningKey.get(SigningKey.community == community.id)
    published = json.dumps(signing.published_keys())
    assert key.private_key not in published and "private" not in published
    raw = signing._fernet().decrypt(key.private_key.encode())
    assert len(raw) == 32 and signing.b64url(raw) not in key.private_key


@pytest.mark.parametrize("change, reason", [
    (lambda d: d.update(closing=d["closing"] + 600, **{"in": d["in"] + 600}), "bad_signature"),
    (lambda d: d.update(closing=d["closing"] + 600), "sums_differ"),
    (lambda d: d.update(household=d["household"] + 1), "bad_signature"),
    (lambda d: d.update(key_id="nosuch-20260101-00000000"), "unknown_key"),
    (lambda d: d.update(signature=d["signature"][:-4] + "AAAA"), "bad_signature"),
    (lambda d: d.pop("chain_head"), "malformed"),
])
def test_a_forged_or_altered_statement_is_refused_with_its_reason(closed, change, reason):
    document = signing.signed(closed[2])
    change(document)
    result = signing.verify(document)
    assert result["valid"] is False
    assert reason in [r["code"] for r in result["reasons"]]
    assert all(r["message"] for r in result["reasons"])


def test_a_statement_signed_with_another_communitys_key_is_refused(closed):
    community, _, statement = closed
    other = make_community()
    other_key = signing.rotate(other.id)
    document = signing.signed(statement)
    document["key_id"] = other_key.key_id  # the right words, the wrong key
    codes = [r["code"] for r in signing.verify(document)["reasons"]]
    assert "wrong_community" in codes and "bad_signature" in codes
    # Signed by the other community's private key under its own id: still not this community's statement.
    fields = {k: v for k, v in signing.signed(statement).items() if k in signing.FIELDS}
    forged = {**fields, "key_id": other_key.key_id,
              "signature": signing.b64url(signing._private(other_key).sign(signing.canonical(fields)))}
    assert [r["code"] for r in signing.verify(forged)["reasons"]] == ["wrong_community"]


def test_the_compact_form_carries_the_whole_signed_statement(closed):
    document = signing.signed(closed[2])
    text = signing.compact(document)
    assert text.startswith("LB1.") and len(text) < 700
    fields, key_id, signature = signing.parse(text)
    assert {**fields, "key_id": key_id, "signature": signature} == document
    assert signing.verify(text)["valid"] is True
    tampered = text.split(".")
    tampered[1] = signing.b64url(signing.canonical({**fields, "closing": 999, "in": 999}))
    assert signing.verify(".".join(tampered))["valid"] is False
    assert [r["code"] for r in signing.verify("LB1.xx")["reasons"]] == ["malformed"]


def test_rotation_keeps_old_statements_verifiable(closed):
    community, resident, october = closed
    old = SigningKey.get(SigningKey.community == community.id)
    clock.freeze(dt.datetime(2026, 11, 15, 8, 0))
    new = signing.rotate(community.id)
    assert new.key_id != old.key_id
    _fund(resident, 30, "november")
    clock.freeze(dt.datetime(2026, 12, 1, 0, 5))
    november = statements.close_month(Household.get_by_id(resident.household_id), 2026, 11)
    assert november.key_id == new.key_id and october.key_id == old.key_id
    published = {k["key_id"]: k for k in signing.published_keys()["keys"]}
    assert published[old.key_id]["valid_until"] == "2026-11-15T08:00:00+08:00"
    assert published[new.key_id]["valid_until"] is None
    assert signing.verify(signing.signed(october))["valid"] is True
    assert signing.verify(signing.signed(november))["valid"] is True
    # The retired key cannot vouch for a statement dated after it was retired, even one it really signed.
    fields = {k: v for k, v in signing.signed(november).items() if k in signing.FIELDS}
    late = {**fields, "key_id": old.key_id,
            "signature": signing.b64url(signing._private(old).sign(signing.canonical(fields)))}
    assert [r["code"] for r in signing.verify(late)["reasons"]] == ["outside_validity"]


def test_a_changed_secret_key_retires_the_key_it_can_no_longer_open(closed, any_app):
    community, resident, _ = closed
    old = SigningKey.get(SigningKey.community == community.id)
    runtime.configure({**any_app.config, "SECRET_KEY": "another-secret-entirely"})
    try:
        _fund(resident, 30, "november")
        clock.freeze(dt.datetime(2026, 12, 1, 0, 5))
        november = statements.close_month(Household.get_by_id(resident.household_id), 2026, 11)
    finally:
        runtime.configure(any_app.config)
    assert november.key_id != old.key_id
    assert SigningKey.get_by_id(old.id).retired_at is not None
    assert signing.verify(signing.signed(november))["valid"] is True


@pytest.fixture
def elsewhere(closed, any_app, tmp_path):
    """Another deployment: a household of community B that trusts community A's published keys."""
    trusted = tmp_path / "trusted.json"
    trusted.write_text(json.dumps(signing.published_keys(), ensure_ascii=False), encoding="utf-8")
    any_app.config["TRUSTED_STATEMENT_KEYS_FILE"] = str(trusted)
    runtime.configure(any_app.config)
    yield make_member(make_community()), trusted
    any_app.config["TRUSTED_STATEMENT_KEYS_FILE"] = ""
    runtime.configure(any_app.config)


def test_a_statement_imported_twice_is_credited_once(closed, elsewhere):
    community, _, statement = closed
    newcomer, _ = elsewhere
    document = signing.signed(statement)
    first, fresh = statement_import.import_statement(document, newcomer.household_id)
    again, fresh_again = statement_import.import_statement(signing.compact(document), newcomer.household_id)
    assert fresh and not fresh_again and again.id == first.id
    assert first.code == "statement_import" and first.minutes == 150
    account = ledger.household_account(newcomer.household_id)
    assert account.posted_minutes == 150
    line = passbook.passbook(Household.get_by_id(newcomer.household_id))["entries"][0]
    assert line["code_label"] == "存折转入(外部)" and line["content"] == f"导入：{community.name} 2026年10月 存折"
    assert ledger_verify.verify() == []
    # The same statement into another household: refused, the hours were brought over already.
    with pytest.raises(ledger.IdempotencyConflict):
        statement_import.import_statement(document, make_member(newcomer.community).household_id)


def test_an_import_refuses_forged_untrusted_and_empty_statements(closed, elsewhere, any_app):
    community, resident, statement = closed
    newcomer, trusted = elsewhere
    altered = {**signing.signed(statement), "closing": 1500, "in": 1500}
    with pytest.raises(RuleBroken) as refused:
        statement_import.import_statement(altered, newcomer.household_id)
    assert refused.value.rule == "bad_signature"
    # A key rotated in after the trust list was written is not trusted, however genuine.
    signing.rotate(community.id)
    _fund(resident, 30, "november")
    clock.freeze(dt.datetime(2026, 12, 1, 0, 5))
    november = statements.close_month(Household.get_by_id(resident.household_id), 2026, 11)
    with pytest.raises(RuleBroken) as refused:
        statement_import.import_statement(signing.signed(november), newcomer.household_id)
    assert refused.value.rule == "untrusted_key"
    # A month that closed at zero brings nothing.
    trusted.write_text(json.dumps(signing.published_keys()), encoding="utf-8")
    empty = statements.close_month(Household.get_by_id(make_member(community).household_id), 2026, 11)
    with pytest.raises(RuleBroken) as refused:
        statement_import.import_statement(signing.signed(empty), newcomer.household_id)
    assert refused.value.rule == "minutes_positive"
    assert not Transfer.select().where(Transfer.code == "statement_import").exists()
    assert ledger_verify.verify() == []


def test_import_statement_on_the_command_line_posts_once(closed, elsewhere, any_app, tmp_path):
    _, _, statement = closed
    newcomer, _ = elsewhere
    path = tmp_path / "statement.json"
    path.write_text(json.dumps(signing.signed(statement), ensure_ascii=False), encoding="utf-8")
    runner = any_app.test_cli_runner()
    first = runner.invoke(args=["import-statement", str(path), "--household", str(newcomer.household_id)])
    assert first.exit_code == 0, first.output
    assert first.output.startswith("imported:")
    path.write_text(signing.compact(signing.signed(statement)), encoding="utf-8")  # the QR's text, this time
    second = runner.invoke(args=["import-statement", str(path), "--household", str(newcomer.household_id)])
    assert second.exit_code == 0 and "already imported" in second.output
    assert ledger.household_account(newcomer.household_id).posted_minutes == 150
    assert Transfer.select().where(Transfer.code == "statement_import").count() == 1
    assert ledger_verify.verify() == []
    path.write_text("LB1.garbage", encoding="utf-8")
    refused = runner.invoke(args=["import-statement", str(path), "--household", str(newcomer.household_id)])
    assert refused.exit_code == 1 and "格式" in refused.output


def test_rotate_key_on_the_command_line(closed, any_app):
    community, _, statement = closed
    result = any_app.test_cli_runner().invoke(args=["rotate-key", "--community", community.code])
    assert result.exit_code == 0, result.output
    assert SigningKey.select().where(SigningKey.community == community.id).count() == 2
    assert signing.verify(signing.signed(Statement.get_by_id(statement.id)))["valid"] is True
