"""Every route, as every role and as a stranger: 401, 403 and 404 where they belong.

Generated from the app's URL map, so a route added later is covered without touching
this file — and fails here if it declares no access or names an object parameter the
gate does not know.
"""

import pytest

from server import clock
from server.extensions import auth
from server.models import (
    Audit,
    AuditVisit,
    Household,
    Member,
    Objection,
    ServiceRecord,
    Task,
    Team,
    Volunteer,
)
from server.services.ledger import ledger_ops, networks, statements
from server.services.oversight import audits, periods
from server.services.people import volunteers as volunteer_service
from server.services.recognition import certificates, notices
from tests.factories import (
    credited_record,
    headers,
    make_admin,
    make_agreement,
    make_award,
    make_community,
    make_coordinator,
    make_event,
    make_member,
    make_record,
    make_request,
    make_volunteer,
)

SKIP_ENDPOINTS = {"static", "api-docs.openapi_json", "api-docs.openapi_swagger_ui"}
# What each persona is, independent of how the gate computes it.
PERSONA_ROLES = {
    "newcomer": {auth.MEMBER},
    "resident": {auth.MEMBER, auth.RESIDENT},
    "volunteer": {auth.MEMBER, auth.RESIDENT, auth.VOLUNTEER},
    "coordinator": {auth.MEMBER, auth.COORDINATOR},
}
# Parameters that are not object ids and need no scope (public lookups by serial, ...).
UNSCOPED_PARAMS: dict[str, str] = {"serial": "LB2000-AAAA-AAAA-AAAA-AAAA", "token": "no-such-console-login",
                                   "kind": "households"}


def _import(b):
    from server.services.imports import core as imports

    sheet = "楼栋,单元,房号,户名,姓名,手机号,与户主关系\n1栋,,101,,甲,,本人\n".encode()
    return imports.upload(make_coordinator(b), community_id=b.id, kind="households", filename="b.csv", data=sheet)


def _audit(b):
    return audits.run(None, b, *periods.last_ended_quarter())


def _visit(b):
    record = ServiceRecord.get(ServiceRecord.community == b.id)
    audit = Audit.get_or_none(Audit.community == b.id) or _audit(b)
    return AuditVisit.create(audit=audit, community=b.id, record=record, draw_order=1, weight=1)


def _approved_award(b):
    """An approved award with its certificate: the certificate route must find one for admins."""
    award = make_award(Volunteer.get(Volunteer.community == b.id).member, stars=1, status="approved")
    certificates.issue(award, None)
    return award


def _objection(b):
    notice = notices.publish_quarterly(None, b, *periods.last_ended_quarter())
    award = make_award(Volunteer.get(Volunteer.community == b.id).member, stars=2, notice=notice)
    objector = Member.get(Member.community == b.id, Member.household.is_null(False), Member.id != award.member_id)
    return Objection.create(community=b.id, notice=notice, award=award, objector=objector, reason="不属实")


def _provider(b):
    from server.models import Provider, ProviderCategory, ServiceCategory

    provider = Provider.create(community=b.id, name="B社区签约机构")
    ProviderCategory.create(provider=provider, category=ServiceCategory.get(ServiceCategory.code == "repairs"))
    return provider


def _correction(b):
    """A pending correction of a credited record of community B (large enough to wait for approval)."""
    import datetime as dt

    from server.services.board import corrections

    volunteer = Volunteer.get(Volunteer.community == b.id).member
    witness = make_member(b)
    record = credited_record(volunteer, witness, minutes=60, days_ago=1)
    coordinator = Member.get(Member.community == b.id, Member.roles.contains("coordinator"))
    return corrections.request(coordinator, record, started_at=record.started_at,
                               ended_at=record.started_at + dt.timedelta(minutes=300), reason="测试")


def _statement(b):
    household = Household.get(Household.community == b.id)
    return statements.close_month(household, *statements.previous_month(clock.today()))


def _move(b):
    """A pending move of a household of community B to a community of its own (no network needed to wait)."""
    from server.models import Move

    household = make_member(b)
    return Move.create(household=household.household_id, from_community=b.id, to_community=make_community().id,
                       reason="测试", requested_by=household.id)


# Extra objects for parameters other issues add (each maker gets community B).
FOREIGN_OBJECT_MAKERS = {
    "community_id": lambda b: b.id,
    "audit_id": lambda b: _audit(b).id,
    "visit_id": lambda b: _visit(b).id,
    "award_id": lambda b: _approved_award(b).id,
    "objection_id": lambda b: _objection(b).id,
    "notice_id": lambda b: notices.publish_quarterly(None, b, *periods.last_ended_quarter()).id,
    "provider_id": lambda b: _provider(b).id,
    "correction_id": lambda b: _correction(b).id,
    "statement_id": lambda b: _statement(b).id,
    "network_id": lambda b: networks.create(None, name=f"网络{b.id}", kind="街道", community_ids=[b.id]).id,
    "move_id": lambda b: _move(b).id,
    "import_id": lambda b: _import(b).id,
}


def routes(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP_ENDPOINTS or not rule.rule.startswith("/api/v1"):
            continue
        view = app.view_functions[rule.endpoint]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            func = getattr(view.view_class, method.lower())
            yield rule, method, func


@pytest.fixture
def world(app):
    """Community A with one member of each persona; community B with one object of each kind."""
    a, b = make_community(), make_community()
    volunteer_member_b, volunteer_b = make_volunteer(b)
    coordinator_b = make_coordinator(b)
    team_b = volunteer_service.create_team(coordinator_b, name="B队")
    resident_b = make_member(b)
    relative_b = make_member(b)
    record_b = make_record(volunteer_member_b, witness=resident_b)
    transfer_b = ledger_ops.adjust(coordinator_b, Household.get_by_id(resident_b.household_id), minutes=60,
                                   reason="测试", key="authz-b")
    kinship_b = ledger_ops.request_kinship(resident_b, invite_code=relative_b.household.invite_code, relation="女儿")
    request_b = make_request(resident_b)
    agreement_b = make_agreement(coordinator_b, resident_b, [volunteer_member_b])
    event_b = make_event(coordinator_b)
    foreign = {
        "request_id": request_b.id,
        "task_id": Task.get(Task.request == request_b.id).id,
        "file_id": agreement_b.recipient_file_id,
        "agreement_id": agreement_b.id,
        "event_id": event_b.id,
        "household_id": resident_b.household_id,
        "volunteer_id": volunteer_b.id,
        "member_id": make_member(b).id,
        "team_id": team_b.id,
        "record_id": record_b.id,
        "transfer_id": transfer_b.id,
        "kinship_id": kinship_b.id,
    }
    for param, maker in FOREIGN_OBJECT_MAKERS.items():
        foreign[param] = maker(b)
    personas = {
        "newcomer": make_member(a, household=False),
        "resident": make_member(a),
        "volunteer": make_volunteer(a)[0],
        "coordinator": make_coordinator(a),
        "admin": make_admin(a),
    }
    tokens = {name: headers(app, member) for name, member in personas.items()}
    return {"a": a, "b": b, "foreign": foreign, "tokens": tokens}


def _url(rule, values):
    return rule.build(values, append_unknown=False)[1]


def test_every_route_declares_access_and_known_params(app):
    for rule, method, func in routes(app):
        access = getattr(func, "lb_access", None)
        assert access, f"{method} {rule.rule} has no @auth.roles / @auth.public"
        unknown = set(rule.arguments) - auth.scoped_params() - set(UNSCOPED_PARAMS)
        assert not unknown, f"{method} {rule.rule}: parameter(s) {unknown} are not registered with auth.register_scope"


def test_strangers_get_401_except_on_public_routes(app, world):
    client = app.test_client()
    for rule, method, func in routes(app):
        url = _url(rule, {**world["foreign"], **UNSCOPED_PARAMS})
        answer = client.open(url, method=method, json={})
        if auth.PUBLIC in func.lb_access:
            assert answer.status_code != 401, f"{method} {rule.rule} is public but answered 401"
        else:
            assert answer.status_code == 401, f"{method} {rule.rule} answered {answer.status_code} to a stranger"


def test_roles_and_foreign_objects(app, world):
    """Wrong role → 403 before anything else; the right role on community B's objects → 404."""
    client = app.test_client()
    for rule, method, func in routes(app):
        access = set(func.lb_access)
        if auth.PUBLIC in access:
            continue
        url = _url(rule, {**world["foreign"], **UNSCOPED_PARAMS})
        scoped = set(rule.arguments) & auth.scoped_params()
        for persona, roles in PERSONA_ROLES.items():
            answer = client.open(url, method=method, json={}, headers=world["tokens"][persona])
            where = f"{method} {rule.rule} as {persona}"
            assert answer.status_code != 500, where
            if not roles & access:
                assert answer.status_code == 403, f"{where}: {answer.status_code}, expected 403"
                assert answer.json["errors"]["rule"] == "role_required", where
            elif scoped:
                assert answer.status_code == 404, f"{where}: {answer.status_code}, expected 404 for community B's object"
            else:
                assert answer.status_code not in (401, 403), f"{where}: {answer.status_code}"


def test_admin_reaches_every_community_but_not_missing_ids(app, world):
    client = app.test_client()
    missing = dict.fromkeys(auth.scoped_params(), 987654)
    for rule, method, func in routes(app):
        if auth.PUBLIC in func.lb_access or not set(rule.arguments) & auth.scoped_params():
            continue
        where = f"{method} {rule.rule} as admin"
        foreign = client.open(_url(rule, {**world["foreign"], **UNSCOPED_PARAMS}), method=method, json={},
                              headers=world["tokens"]["admin"])
        assert foreign.status_code not in (401, 404, 500), f"{where}: {foreign.status_code} on B's object"
        if foreign.status_code == 403:  # a finer rule of the service (not the witness ...), never the gate
            assert foreign.json["errors"]["rule"] != "role_required", where
        gone = client.open(_url(rule, {**missing, **UNSCOPED_PARAMS}), method=method, json={},
                           headers=world["tokens"]["admin"])
        assert gone.status_code == 404, f"{where}: {gone.status_code} for a missing id"


def test_world_objects_exist(world):
    """The foreign objects are real rows (a typo here would make the 404s meaningless)."""
    foreign = world["foreign"]
    assert Household.get_by_id(foreign["household_id"]).community_id == world["b"].id
    assert Volunteer.get_by_id(foreign["volunteer_id"]).community_id == world["b"].id
    assert Member.get_by_id(foreign["member_id"]).community_id == world["b"].id
    assert Team.get_by_id(foreign["team_id"]).community_id == world["b"].id
