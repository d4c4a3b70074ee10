"""The whole OpenAPI, fuzzed in-process (schemathesis): does every answer match its description?

Every operation gets a bounded, derandomized property-based run against the WSGI app on a
fresh copy of the demo data, as a member of each demo role (and as nobody), and fails on a
5xx, an undocumented status or content type, a body or header not matching its schema.
`FUZZ_EXAMPLES=200 make pytest ARGS=tests/test_openapi_fuzz.py` looks harder (the default keeps
`make test` within its time); a failure prints the curl command that reproduces it.
"""

import datetime as dt
import os
import shutil
import tempfile

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from server import clock
from server.db import database, init_db
from server.extensions.auth import issue_token
from server.models import Member
from server.redis_conn import get_redis
from tests.conftest import MACHINE_REDIS, make_app
from tests.wechat_stub import WeChatStub

# Fixed times, so the demo data and every answer about it are the same on every run: the demo is
# loaded in March, the run happens in April (March closed, the first quarter audited and noticed).
DEMO_AT = dt.datetime(2026, 3, 10, 10, 0)
NOW = dt.datetime(2026, 4, 10, 10, 0)
# Bounded: ~120 operations × this many examples stays well under 3 minutes on 2 cores.
MAX_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "40"))
ROLES = ("resident", "volunteer", "retired", "coordinator", "admin", "resident-b", "coordinator-b", None)
pytestmark = pytest.mark.slow
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance,
          response_schema_conformance, response_headers_conformance]


def _spec() -> dict:
    """The description as the app serves it (no database is opened to build it)."""
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(f"sqlite:///{tmp}/spec.db", MACHINE_REDIS)
        return app.test_client().get("/api/v1/openapi.json").get_json()


schema = schemathesis.openapi.from_dict(_spec())


def _demo_ids(path_parameters: dict | None) -> dict | None:
    if not path_parameters:
        return path_parameters
    return {name: value % 12 + 1 if name.endswith("_id") and isinstance(value, int) and not isinstance(value, bool)
            else value for name, value in path_parameters.items()}


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    """Half the cases name rows the demo data has (ids 1–12), so the authorised paths run too."""
    return st.sampled_from([_demo_ids(path_parameters), path_parameters])


def _more_to_look_at() -> None:
    """Rows the demo has none of, so their operations get past 404: a closed month, a quarter's
    audit with its visits, a quarterly notice."""
    from server.models import Community
    from server.services.oversight import audits, monthly_close
    from server.services.recognition import notices

    community = Community.get(Community.code == "HPL")
    coordinator = Member.get(Member.handle == "coordinator")
    monthly_close.close_if_open(community.id, 2026, 3)
    audits.run(coordinator, community, 2026, 1)
    notices.publish_quarterly(coordinator, community, 2026, 1)


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory, sqlite_template):
    """The demo communities and people, loaded once at DEMO_AT, and more at NOW."""
    from server.services.people import demo

    path = tmp_path_factory.mktemp("fuzz") / "demo.db"
    shutil.copy(sqlite_template, path)
    db = init_db(f"sqlite:///{path}")
    clock.freeze(DEMO_AT)
    try:
        demo.load()
        clock.freeze(NOW)
        _more_to_look_at()
    finally:
        clock.freeze(None)
        db.close()
    return path


@pytest.fixture(scope="module")
def wechat_stub():
    stub = WeChatStub().start()
    yield stub
    stub.stop()


@pytest.fixture(scope="module")
def fuzz_app(demo_template, redis_url, wechat_stub):
    app = make_app(f"sqlite:///{demo_template}", redis_url, WECHAT_APPID="wx-fuzz-app", WECHAT_SECRET="wx-fuzz-secret",
                   WECHAT_API_BASE=wechat_stub.base)
    with app.app_context():
        tokens = {m.handle: issue_token(m) for m in Member.select().where(Member.handle.in_([r for r in ROLES if r]))}
    database.close()
    return app, tokens


@pytest.fixture
def fresh_demo(fuzz_app, demo_template, tmp_path, redis_url):
    """Each operation starts from the demo data as loaded: what one operation's cases did (an
    erasure, a closed month) does not change what the next one sees."""
    path = tmp_path / "demo.db"
    shutil.copy(demo_template, path)
    init_db(f"sqlite:///{path}")
    get_redis(redis_url).flushdb()
    clock.freeze(NOW)
    yield fuzz_app
    clock.freeze(None)
    if not database.is_closed():
        database.close()


@schema.parametrize()
@schema.given(role=st.sampled_from(ROLES))
@settings(max_examples=MAX_EXAMPLES, derandomize=True, deadline=None, database=None,
          suppress_health_check=list(HealthCheck))
def test_every_answer_matches_the_description(case, role, fresh_demo):
    app, tokens = fresh_demo
    headers = {"Authorization": f"Bearer {tokens[role]}"} if role else {}
    case.call_and_validate(app=app, headers=headers, checks=CHECKS)
