"""A large import commits in a worker (IMPORT_BACKGROUND_ROWS): the request checks every row and answers
`committing`; the job posts it exactly once, or gives it back to the station, previewed, saying why."""

import datetime as dt

import pytest
from peewee import IntegrityError
from rq import Queue, SimpleWorker

from server import clock, queues
from server.db import database
from server.models import Household, ImportBatch, Member, OutboxMessage
from server.services.imports import core as imports
from server.services.ledger import ledger_verify
from server.services.messaging import outbox
from tests.conftest import make_app
from tests.factories import headers, make_community, make_coordinator, make_member
from tests.resources.test_imports import HOUSEHOLD_HEADERS, NOW, upload, xlsx
from workers import bootstrap

ROWS = [["3栋", "2单元", "301", "", "王建国", "13800138001", "本人", "男", "1950-01-01"],
        ["3栋", "2单元", "301", "", "刘芳", "13800138003", "配偶", "女", ""],
        ["5栋", "1单元", "102", "李家", "李秀英", "", "本人", "女", "1938-03-02"]]


@pytest.fixture
def run_jobs(redis):
    """Run every queued job in this process (as tests/workers/conftest.py's, without its app: `station`
    configures the API and the workers with its own setting)."""
    def run():
        finished = lambda: sum(Queue(name, connection=redis).finished_job_registry.count  # noqa: E731
                               for name in queues.ALL)
        before = finished()
        SimpleWorker(queues.ALL, connection=redis).work(burst=True)
        return finished() - before

    return run


@pytest.fixture
def station(sqlite_url, redis_url, redis):
    """The API and the workers with imports of more than one row committed in the background."""
    app = make_app(sqlite_url, redis_url, IMPORT_BACKGROUND_ROWS=1)
    bootstrap.configure({"DATABASE_URL": sqlite_url, "REDIS_URL": redis_url, "SECRET_KEY": "test-secret",
                         "ENV": "test", "IMPORT_BACKGROUND_ROWS": 1})
    clock.freeze(NOW)
    community = make_community()
    coordinator = make_coordinator(community, name="孙站长")
    yield app, app.test_client(), community, coordinator
    clock.freeze(None)
    if not database.is_closed():
        database.close()


def _households(community) -> int:
    return Household.select().where(Household.community == community.id).count()


def test_a_large_import_is_committed_by_a_worker_once(station, run_jobs):
    app, client, community, coordinator = station
    auth = headers(app, coordinator)
    preview = upload(client, app, coordinator, "households", xlsx(HOUSEHOLD_HEADERS, ROWS)).json
    before = _households(community)

    asked = client.post(f"/api/v1/imports/{preview['id']}/commit", headers=auth)
    assert asked.status_code == 200, asked.json
    assert (asked.json["status"], asked.json["status_label"]) == ("committing", "正在导入")
    assert asked.json["commit_requested_at"] and asked.json["result"] == {}
    assert _households(community) == before  # nothing posted by the request
    again = client.post(f"/api/v1/imports/{preview['id']}/commit", headers=auth)
    assert again.json["status"] == "committing"
    assert OutboxMessage.select().where(OutboxMessage.kind == imports.KIND).count() == 1  # asked twice, one job
    listed = client.get("/api/v1/imports?status=committing", headers=auth).json["items"]
    assert [item["id"] for item in listed] == [preview["id"]]

    assert run_jobs() == 1  # enqueued right after the request: the station is waiting
    done = client.get(f"/api/v1/imports/{preview['id']}", headers=auth).json
    assert (done["status"], done["result"]["households"], done["result"]["members"]) == ("committed", 2, 3)
    assert done["commit_error"] == "" and done["commit_requested_at"] is None
    assert _households(community) == before + 2
    # the job again (a retry after a lost worker) finds it committed and posts nothing
    batch = ImportBatch.get_by_id(preview["id"])
    assert imports.run_commit(batch.id, coordinator.id) == "skipped"
    assert _households(community) == before + 2
    assert client.get("/api/v1/imports?status=committing", headers=auth).json["items"] == []
    assert ledger_verify.verify() == []


def test_rows_that_went_wrong_meanwhile_give_the_import_back_to_the_station(station, run_jobs):
    """Between the request and the job, someone took a phone the sheet gives a new member: the job posts
    nothing, the import is previewed again with that row's problem and why, and may be fixed and asked again."""
    app, client, community, coordinator = station
    auth = headers(app, coordinator)
    preview = upload(client, app, coordinator, "households", xlsx(HOUSEHOLD_HEADERS, ROWS)).json
    assert client.post(f"/api/v1/imports/{preview['id']}/commit", headers=auth).json["status"] == "committing"
    taken = make_member(community, name="别人", phone="13800138003")
    before = _households(community)

    assert run_jobs() == 1
    back = client.get(f"/api/v1/imports/{preview['id']}", headers=auth).json
    assert back["status"] == "previewed" and "还有问题没改好" in back["commit_error"]
    assert [(p["row"], p["column"]) for p in back["problems"]] == [(3, "手机号")]
    assert _households(community) == before
    from tests.console.helpers import console_login

    console = app.test_client()
    console_login(console, app, coordinator)
    page = console.get(f"/console/imports/{preview['id']}").get_data(as_text=True)
    assert "data-commit-error" in page and "上次导入没有完成" in page and "data-problems" in page

    Member.update(phone="").where(Member.id == taken.id).execute()  # put right at the station
    assert client.post(f"/api/v1/imports/{preview['id']}/commit", headers=auth).json["status"] == "committing"
    assert run_jobs() == 1
    assert client.get(f"/api/v1/imports/{preview['id']}", headers=auth).json["status"] == "committed"
    assert _households(community) == before + 2


def test_a_sheet_with_problems_is_refused_by_the_request_and_no_job_is_made(station):
    app, client, community, coordinator = station
    bad = [*ROWS[:1], ["3栋", "2单元", "301", "", "刘芳", "1380013", "配偶", "女", ""]]
    preview = upload(client, app, coordinator, "households", xlsx(HOUSEHOLD_HEADERS, bad)).json
    refused = client.post(f"/api/v1/imports/{preview['id']}/commit", headers=headers(app, coordinator))
    assert refused.status_code == 409 and refused.json["errors"]["rule"] == "import_has_problems"
    assert OutboxMessage.select().where(OutboxMessage.kind == imports.KIND).count() == 0
    assert ImportBatch.get_by_id(preview["id"]).commit_requested_at is None


def test_the_console_says_it_is_importing_then_shows_what_it_did(station, run_jobs):
    """服务站工作台: 确认导入 on a large sheet answers 正在导入 (no second button); once the worker is done the
    page shows 已经导入 with the figures."""
    import io

    from tests.console.helpers import console_login

    app, client, community, coordinator = station
    csrf = console_login(client, app, coordinator)
    uploaded = client.post("/console/imports", content_type="multipart/form-data", data={
        "csrf_token": csrf, "kind": "households", "file": (io.BytesIO(xlsx(HOUSEHOLD_HEADERS, ROWS)), "台账.xlsx")})
    assert uploaded.status_code == 302, uploaded.get_data(as_text=True)
    batch = int(uploaded.headers["Location"].rsplit("/", 1)[1])
    asked = client.post(f"/console/imports/{batch}/commit", data={"csrf_token": csrf})
    assert asked.status_code == 302
    page = client.get(asked.headers["Location"]).get_data(as_text=True)
    assert 'data-status="committing"' in page and "正在后台导入" in page and "data-committing" in page
    assert "确认导入</button>" not in page
    assert run_jobs() == 1
    page = client.get(asked.headers["Location"]).get_data(as_text=True)
    assert 'data-status="committed"' in page and "已经导入" in page


def test_any_other_refusal_is_kept_as_the_commit_error(station, run_jobs, monkeypatch):
    """A refusal the rows' checks do not cover (here a poster made to refuse) gives the import back with its
    words, and posts nothing; the job is done, not retried."""
    from server.errors import RuleBroken
    from server.services.imports import posting

    app, client, community, coordinator = station
    auth = headers(app, coordinator)
    preview = upload(client, app, coordinator, "households", xlsx(HOUSEHOLD_HEADERS, ROWS)).json
    assert client.post(f"/api/v1/imports/{preview['id']}/commit", headers=auth).json["status"] == "committing"
    before = _households(community)

    def refuse(*args):
        raise RuleBroken("存折号重复了")

    monkeypatch.setitem(posting.POSTERS, "households", refuse)
    assert run_jobs() == 1
    back = client.get(f"/api/v1/imports/{preview['id']}", headers=auth).json
    assert (back["status"], back["commit_error"], back["problems"]) == ("previewed", "存折号重复了", [])
    assert _households(community) == before
    assert OutboxMessage.get(OutboxMessage.kind == imports.KIND).done_at is not None


FAULT = "CREATE TRIGGER lost_disk BEFORE INSERT ON household BEGIN SELECT RAISE(ABORT, 'disk I/O error'); END"


def _commit_job() -> OutboxMessage:
    return OutboxMessage.select().where(OutboxMessage.kind == imports.KIND).order_by(OutboxMessage.id.desc()).get()


def test_a_commit_that_keeps_failing_is_given_back_never_left_committing(station, run_jobs):
    """The database refuses every write the commit makes (a real fault: a trigger aborting each household's
    INSERT). Each failure tells the station it is being retried; when the outbox gives the row up, the import is
    previewed again saying nothing was imported, the station may ask again, and that commit lands once the fault
    is gone."""
    from workers.jobs import outbox as outbox_jobs

    app, client, community, coordinator = station
    auth = headers(app, coordinator)
    preview = upload(client, app, coordinator, "households", xlsx(HOUSEHOLD_HEADERS, ROWS)).json
    assert client.post(f"/api/v1/imports/{preview['id']}/commit", headers=auth).json["status"] == "committing"
    database.execute_sql(FAULT)
    before = _households(community)

    assert run_jobs() == 0  # failed: RQ keeps it for a retry
    retrying = client.get(f"/api/v1/imports/{preview['id']}", headers=auth).json
    assert (retrying["status"], retrying["commit_error"]) == ("committing", imports.RETRYING)
    assert retrying["commit_requested_at"] is not None
    from tests.console.helpers import console_login

    console = app.test_client()
    console_login(console, app, coordinator)
    page = console.get(f"/console/imports/{preview['id']}").get_data(as_text=True)
    assert "data-commit-retrying" in page and "正在自动重试" in page and "data-committing" in page
    assert "上次导入没有完成" not in page and "确认导入</button>" not in page

    job = _commit_job()
    assert job.attempts == 1 and "disk I/O error" in job.last_error
    # the failures RQ's retries and the sweeper's rounds would make, up to the last one the row is given
    OutboxMessage.update(attempts=outbox.GIVE_UP_AFTER_ATTEMPTS - 1).where(OutboxMessage.id == job.id).execute()
    with pytest.raises(IntegrityError):
        outbox_jobs.deliver(job.id)
    assert job.id not in [row.id for row in outbox.due(clock.now(), stale_after=dt.timedelta(0))]  # given up
    back = client.get(f"/api/v1/imports/{preview['id']}", headers=auth).json
    assert (back["status"], back["status_label"]) == ("previewed", "待确认导入")
    assert back["commit_error"] == imports.GAVE_UP and back["commit_requested_at"] is None
    assert back["problems"] == [] and _households(community) == before
    page = console.get(f"/console/imports/{preview['id']}").get_data(as_text=True)
    assert "上次导入没有完成：系统多次出错" in page and "确认导入</button>" in page

    # asked again a minute later, while the fault lasts: the old job failing once more leaves the new request alone
    clock.freeze(NOW + dt.timedelta(minutes=1))
    assert client.post(f"/api/v1/imports/{preview['id']}/commit", headers=auth).json["status"] == "committing"
    with pytest.raises(IntegrityError):
        outbox_jobs.deliver(job.id)
    still = client.get(f"/api/v1/imports/{preview['id']}", headers=auth).json
    assert (still["status"], still["commit_error"]) == ("committing", "")

    database.execute_sql("DROP TRIGGER lost_disk")
    assert run_jobs() == 1
    done = client.get(f"/api/v1/imports/{preview['id']}", headers=auth).json
    assert (done["status"], done["commit_error"], done["commit_requested_at"]) == ("committed", "", None)
    assert _households(community) == before + 2
    assert ledger_verify.verify() == []
