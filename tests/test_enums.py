"""Each enum has one home, the tuple beside its model: the database refuses other words, the API lists them."""

import json
import pathlib
import re

import pytest
from peewee import IntegrityError

from server.db import database, init_db
from server.models import MODELS, Member, Volunteer
from server.models.people import RELATIONS
from server.services.board import agreement_views, records, tasks
from server.services.ledger import moves
from server.services.oversight import audits
from server.services.people import volunteers
from server.services.recognition import notices, stars
from tests.factories import make_community, make_member, make_volunteer


def _checked_columns() -> dict[tuple[str, str], tuple[str, ...]]:
    """(table, column) → the words its CHECK allows, read from the models."""
    found = {}
    for model in MODELS:
        for field in model._meta.sorted_fields:
            for constraint in field.constraints or []:
                column, words = re.match(r"CHECK \((\w+) IN \((.*)\)\)$", constraint.sql).groups()
                found[(model._meta.table_name, column)] = tuple(re.findall(r"'((?:[^']|'')*)'", words))
    return found


def test_every_enum_column_of_the_models_has_its_check():
    checked = _checked_columns()
    assert {("task", "status"), ("service_record", "status"), ("transfer", "state"), ("account", "kind"),
            ("content_check", "result"), ("member", "gender"), ("member", "relation"),
            ("kinship", "relation"), ("volunteer", "status")} <= set(checked)
    assert checked[("member", "relation")] == ("", *RELATIONS)


def _refuses(sql: str) -> bool:
    try:
        with database.atomic():
            database.execute_sql(sql)
    except IntegrityError:
        return True
    return False


def test_the_database_refuses_a_word_outside_the_enum(any_app):
    """On a migrated database (SQLite: 0015's triggers; PostgreSQL: its CHECKs), inserting or updating refuses."""
    community = make_community()
    member = make_member(community, roles="resident,volunteer")
    _, volunteer = make_volunteer(community)
    assert _refuses(f"UPDATE member SET gender = 'x' WHERE id = {member.id}")
    assert _refuses(f"UPDATE volunteer SET status = 'dozing' WHERE id = {volunteer.id}")
    assert _refuses(f"UPDATE volunteer SET retired_reason = 'bored' WHERE id = {volunteer.id}")
    assert _refuses(
        "INSERT INTO member (community_id, name, gender, phone, relation, is_head, roles, token_version, created_at) "
        f"VALUES ({community.id}, '某人', '', '', '表哥', false, '', 0, '2026-01-01 00:00:00')")
    # the words of the enum (and NULL where the column allows it) still pass
    Member.update(gender="男", relation="配偶").where(Member.id == member.id).execute()
    Volunteer.update(status="retired", retired_reason="age").where(Volunteer.id == volunteer.id).execute()
    Volunteer.update(retired_reason=None).where(Volunteer.id == volunteer.id).execute()
    assert Volunteer.get_by_id(volunteer.id).status == "retired"


@pytest.mark.parametrize("created", ["migrated", "from the models"])
def test_every_checked_column_refuses_a_stranger_on_sqlite(tmp_path, created):
    """Both ways a SQLite database is made refuse a word outside each enum, column by column."""
    from server import migrations

    db = init_db(f"sqlite:///{tmp_path / 'e.db'}")
    if created == "migrated":
        migrations.migrate(db)
    else:
        db.create_tables(MODELS)
    db.execute_sql("PRAGMA foreign_keys = OFF")  # one table at a time, without the rows it refers to
    try:
        for table, column in _checked_columns():
            others = [c.name for c in db.get_columns(table) if not c.null and c.name not in ("id", column)]
            names = ", ".join([column, *others])
            values = ", ".join(["'not-a-word'", *["'1'"] * len(others)])
            with pytest.raises(IntegrityError, match="CHECK"):
                db.execute_sql(f'INSERT INTO "{table}" ({names}) VALUES ({values})')
    finally:
        db.close()


def _status_words() -> dict[str, set[str]]:
    """status → every label the server gives it, across the services' STATUS_LABELS tables."""
    words: dict[str, set[str]] = {}
    for table in (tasks.STATUS_LABELS, tasks.PROVIDER_LABELS, records.STATUS_LABELS, agreement_views.STATUS_LABELS, stars.STATUS_LABELS,
                  notices.OBJECTION_LABELS, audits.OUTCOME_LABELS, volunteers.STATUS_LABELS, moves.STATUS_LABELS):
        for status, label in table.items():
            words.setdefault(status, set()).add(label)
    return words


def _labelled(node):
    if isinstance(node, dict):
        if "status" in node and "status_label" in node:
            yield node["status"], node["status_label"]
        for value in node.values():
            yield from _labelled(value)
    elif isinstance(node, list):
        for value in node:
            yield from _labelled(value)


def test_the_mini_programs_fixtures_carry_the_servers_status_words():
    """The mini-program shows the answer's status_label, so a fixture with stale words would test words no one sees."""
    words = _status_words()
    stale = []
    for path in sorted((pathlib.Path(__file__).parents[1] / "miniprogram/test/fixtures").glob("*.json")):
        for status, label in _labelled(json.loads(path.read_text(encoding="utf-8"))):
            allowed = [re.escape(w).replace(re.escape("{step}"), r"\d+") for w in words.get(status, ())]
            if not any(re.fullmatch(w, label) for w in allowed):
                stale.append((path.name, status, label))
    assert stale == []
