"""Health, the OpenAPI description, the catalog, communities and appointing coordinators."""

from server.models import ServiceCategory, ServiceItem, Team
from server.services.board import catalog
from tests.factories import headers, make_admin, make_community, make_member


def test_health_reports_database_and_redis(app):
    body = app.test_client().get("/api/v1/health").json
    assert body == {"status": "ok", "database": "ok", "database_backend": "sqlite", "redis": "ok"}


def test_health_degraded_when_redis_is_down(sqlite_url, redis):
    from tests.conftest import make_app

    body = make_app(sqlite_url, "redis://127.0.0.1:9/0").test_client().get("/api/v1/health").json
    assert body["redis"] == "down" and body["status"] == "degraded" and body["database"] == "ok"


def test_openapi_describes_every_endpoint(app):
    client = app.test_client()
    spec = client.get("/api/v1/openapi.json").json
    assert spec["info"]["title"].startswith("Love Bank")
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            assert operation.get("summary"), f"{method} {path} has no summary"
            assert "Who may call" in operation.get("description", ""), f"{method} {path} does not say who may call"
    assert client.get("/api/v1/docs").status_code == 200


def test_catalog_has_the_eight_categories_and_six_teams(app):
    body = app.test_client().get("/api/v1/catalog").json
    assert [c["name"] for c in body["categories"]] == [
        "义务维修", "义务家教", "法律援助与治安", "医疗保健", "帮困", "小区教育", "文体", "环境保护"]
    assert all(c["items"] for c in body["categories"])
    assert {t["name"] for t in body["teams"]} == {
        "医疗健康服务队", "政策法律服务队", "居家养老服务队", "纠纷调解服务队", "治安联防服务队", "业余文艺服务队"}


def test_catalog_seed_is_idempotent(app):
    before = (ServiceCategory.select().count(), ServiceItem.select().count(), Team.select().count())
    catalog.seed()
    assert (ServiceCategory.select().count(), ServiceItem.select().count(), Team.select().count()) == before


def test_admin_adds_communities_and_appoints_coordinators(app):
    admin = make_admin()
    client = app.test_client()
    created = client.post("/api/v1/communities", headers=headers(app, admin), json={"name": "新华社区", "code": "XH"})
    assert created.status_code == 201
    duplicate = client.post("/api/v1/communities", headers=headers(app, admin), json={"name": "新华社区", "code": "XH"})
    assert duplicate.status_code == 409
    lowercase = client.post("/api/v1/communities", headers=headers(app, admin), json={"name": "某社区", "code": "xh"})
    assert lowercase.status_code == 422
    person = make_member(make_community())
    refused = client.put(f"/api/v1/members/{person.id}/roles", headers=headers(app, admin),
                         json={"roles": ["coordinator"], "community_id": created.json["id"]})
    assert refused.status_code == 422  # their household is elsewhere
    appointed = client.put(f"/api/v1/members/{person.id}/roles", headers=headers(app, admin),
                           json={"roles": ["coordinator"], "community_id": person.community_id})
    assert appointed.status_code == 200 and set(appointed.json["roles"]) == {"coordinator", "resident"}
    names = [c["name"] for c in client.get("/api/v1/communities", headers=headers(app, person)).json]
    assert "新华社区" in names
