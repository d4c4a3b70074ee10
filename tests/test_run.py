"""`make run`: the embedded Redis starts, and the whole stack serves and stops on Ctrl-C."""

import datetime as dt
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import closing
from pathlib import Path
from zoneinfo import ZoneInfo

import psutil
import pytest

from server import run
from server.redis_conn import redis_ok
from tests.conftest import _free_port
from tests.own_redis import own_redis_fixture, wait_for  # noqa: F401 - the fixture `own_redis`


def test_embedded_redis_is_a_real_redis(tmp_path, monkeypatch):
    monkeypatch.setattr(run, "VAR", tmp_path)
    port = _free_port()
    proc = run.start_embedded_redis(port)
    try:
        assert redis_ok(f"redis://127.0.0.1:{port}/0")
        assert (tmp_path / "redis").is_dir()
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def _get(url):
    with urllib.request.urlopen(url, timeout=20) as resp:  # generous: a busy CI machine is slow, not broken
        return resp.status, resp.read().decode()


@pytest.mark.slow
def test_make_run_serves_and_stops_everything(tmp_path, redis_url):
    port = _free_port()
    # A Redis database of its own: this stack's worker must not take other tests' jobs.
    base, db = redis_url.rsplit("/", 1)
    own_redis = f"{base}/{(int(db or 0) + 8) % 16}"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}", "PORT": str(port), "REDIS_URL": own_redis}
    env.pop("DEV_LOGIN", None)
    proc = subprocess.Popen([sys.executable, "-m", "server.run"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, start_new_session=True)
    # Its output read as it comes: Ctrl-C waits for the banner, which `make run` prints once its own check finds
    # the API up (on a busy machine, after this test's requests; a Ctrl-C before it means no banner at all).
    lines = []
    reader = threading.Thread(target=lambda: lines.extend(proc.stdout), daemon=True)
    reader.start()
    children = []
    try:
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline:
            try:
                status, body = _get(f"http://127.0.0.1:{port}/api/v1/health")
                break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("the API did not answer within three minutes")
        assert status == 200 and '"database":"ok"' in body.replace(" ", "")
        assert _get(f"http://127.0.0.1:{port}/api/v1/docs")[0] == 200
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/auth/dev-login", method="POST",
                                         data=b'{"handle": "retired"}', headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=30) as resp:
            assert resp.status == 200  # demo data loaded, dev login on by default
        wait_for(lambda: len(psutil.Process(proc.pid).children(recursive=True)) >= 3, timeout=120,
                 message="gunicorn, the worker and the scheduler")
        children = psutil.Process(proc.pid).children(recursive=True)
        wait_for(lambda: any("Love Bank is running" in line for line in lines), timeout=120, message="the banner")
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=120)
        reader.join(timeout=60)
        output = "".join(lines)
        leftovers = [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
        for child in leftovers:
            child.kill()
    assert proc.returncode == 0, output
    assert "Love Bank is running" in output and "coordinator" in output
    assert not leftovers, f"still running after Ctrl-C: {leftovers}"


def test_ensure_redis_starts_the_embedded_one_when_none_answers(tmp_path, monkeypatch):
    """No REDIS_URL and nothing on the usual port: `make run` starts its own Redis under var/."""
    monkeypatch.setattr(run, "VAR", tmp_path)
    monkeypatch.setattr(run, "DEFAULT_REDIS_URL", "redis://127.0.0.1:9/0")  # nothing answers there
    port = _free_port()
    monkeypatch.setattr(run, "EMBEDDED_REDIS_PORT", port)
    env = {}
    proc = run.ensure_redis(env)
    try:
        assert proc is not None and env["REDIS_URL"] == f"redis://127.0.0.1:{port}/0"
        assert redis_ok(env["REDIS_URL"])
        again = {}
        assert run.ensure_redis(again) is None and again["REDIS_URL"] == env["REDIS_URL"]  # reuses it
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def test_ensure_redis_keeps_an_explicit_url():
    env = {"REDIS_URL": "redis://example:1/0"}
    assert run.ensure_redis(env) is None and env["REDIS_URL"] == "redis://example:1/0"


def _start(tmp_path, env_overrides: dict, code: str | None = None) -> tuple[subprocess.Popen, Path]:
    """`python -m server.run` (or `code` around it) in a session of its own, as a terminal runs it."""
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'run.db'}", **env_overrides}
    env.pop("DEV_LOGIN", None)
    output = tmp_path / "make-run.log"
    argv = [sys.executable, "-c", code] if code else [sys.executable, "-m", "server.run"]
    with open(output, "w") as log:
        proc = subprocess.Popen(argv, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    return proc, output


def _stop(proc: subprocess.Popen, *, group: bool = False) -> None:
    if proc.poll() is None:
        (os.killpg if group else os.kill)(proc.pid, signal.SIGINT)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


def _leftovers(children: list) -> list:
    left = [c for c in children if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
    for child in left:
        child.kill()
    return left


def test_a_worker_that_exits_is_started_again_with_backoff(tmp_path):
    """The supervisor's rule, on a real process that exits at once (as `rq worker` may with Redis away)."""
    child = run.Child("worker", [sys.executable, "-c", "pass"], dict(os.environ))
    child.start()
    first = child.proc
    first.wait(timeout=90)
    t = time.monotonic()
    assert child.tend(t) and child.restart_at == t + 1  # 1 s, then 2, 4, 8, 10, 10 ...
    assert child.tend(t + 0.5) and child.proc is first
    assert child.tend(t + 1) and child.proc is not first and child.restart_at is None
    child.proc.wait(timeout=90)
    assert child.tend(t + 2) and child.restart_at == t + 4  # exited again soon: a longer wait
    child.proc.wait()

    api = run.Child("API", [sys.executable, "-c", "pass"], dict(os.environ), essential=True)
    api.start()
    api.proc.wait(timeout=90)
    assert not api.tend(time.monotonic())  # the API exiting stops everything


@pytest.mark.slow
def test_make_run_keeps_the_api_up_through_a_redis_outage_and_drains_after(tmp_path, own_redis):
    """Redis killed under `make run`: the API keeps taking bookings, the worker and the scheduler are
    started again with backoff, and once Redis is back the booking's outbox rows are delivered."""
    port = _free_port()
    proc, output = _start(tmp_path, {"PORT": str(port), "REDIS_URL": own_redis.url, "DEV_LOGIN": "1"})
    children = []
    try:
        wait_for(lambda: _health(port), timeout=90, message="the API")
        children = psutil.Process(proc.pid).children(recursive=True)
        token = _post(port, "/auth/dev-login", {"handle": "resident"}, None)["token"]

        own_redis.kill()
        wait_for(lambda: proc.poll() is not None or (_health(port) or {}).get("status") == "degraded",
                 message="the outage seen by the API")
        wait_for(lambda: proc.poll() is not None or "Redis does not answer" in output.read_text(),
                 message="the outage seen by the scheduler")
        assert proc.poll() is None, output.read_text()
        start = (dt.datetime.now(ZoneInfo("Asia/Shanghai")) + dt.timedelta(hours=3)).replace(
            tzinfo=None, second=0, microsecond=0)
        booked = _post(port, "/requests", {
            "category_code": "repairs", "item_code": "appliance_repair", "description": "洗衣机不排水，请帮忙看看",
            "window_start": start.isoformat(), "window_end": (start + dt.timedelta(hours=3)).isoformat(),
            "estimated_minutes": 60, "urgency": "normal"}, token)
        assert booked["task_id"]
        assert _pending_outbox(tmp_path / "run.db") > 0  # the booking's work waits in the outbox

        own_redis.start()
        wait_for(lambda: _pending_outbox(tmp_path / "run.db") == 0, timeout=120, every=1,
                 message="the outbox drained after Redis came back")
        assert _health(port)["status"] == "ok" and proc.poll() is None
        children += psutil.Process(proc.pid).children(recursive=True)
    finally:
        _stop(proc)
    assert proc.returncode == 0, output.read_text()
    assert not _leftovers(children)


@pytest.mark.slow
def test_ctrl_c_stops_the_embedded_redis_last_and_quietly(tmp_path):
    """The terminal's Ctrl-C goes to the whole process group: still, the API, the worker and the scheduler
    stop first (no Redis connection tracebacks), and the embedded Redis is stopped last, by SIGTERM."""
    port, redis_port = _free_port(), _free_port()
    proc, output = _start(tmp_path, {"PORT": str(port), "REDIS_URL": ""}, _with_embedded_redis(tmp_path, redis_port))
    children = []
    try:
        wait_for(lambda: "Love Bank is running" in output.read_text(), timeout=90, message="the banner")
        wait_for(lambda: "Listening on" in output.read_text(), message="the worker")
        children = psutil.Process(proc.pid).children(recursive=True)
    finally:
        _stop(proc, group=True)
    text = output.read_text()
    assert proc.returncode == 0, text
    assert "Traceback" not in text and "ConnectionError" not in text, text
    redis_log = (tmp_path / "redis" / "redis.log").read_text()
    assert "Received SIGTERM" in redis_log and "Received SIGINT" not in redis_log
    assert not _leftovers(children)


@pytest.mark.slow
def test_an_embedded_redis_that_dies_is_started_again(tmp_path):
    """Nobody else will bring `make run`'s own Redis back: the supervisor does, and its data with it."""
    port, redis_port = _free_port(), _free_port()
    url = f"redis://127.0.0.1:{redis_port}/0"
    proc, output = _start(tmp_path, {"PORT": str(port), "REDIS_URL": ""}, _with_embedded_redis(tmp_path, redis_port))
    try:
        wait_for(lambda: "Love Bank is running" in output.read_text(), timeout=90, message="the banner")
        [redis_server] = [c for c in psutil.Process(proc.pid).children() if "redis-server" in c.name()]
        redis_server.kill()
        redis_server.wait(timeout=60)
        wait_for(lambda: "the embedded Redis exited" in output.read_text(), message="the supervisor noticing")
        wait_for(lambda: redis_ok(url), message="the embedded Redis started again")
        assert proc.poll() is None and _health(port)["status"] == "ok"
    finally:
        _stop(proc)
    assert proc.returncode == 0, output.read_text()


def _with_embedded_redis(tmp_path, redis_port: int) -> str:
    """`make run` on a machine where no Redis answers (so it starts its own), its data under tmp_path."""
    return (
        "import sys; from pathlib import Path; from server import run; "
        "run.DEFAULT_REDIS_URL = 'redis://127.0.0.1:9/0'; "  # nothing answers there: the embedded one starts
        f"run.EMBEDDED_REDIS_PORT = {redis_port}; run.VAR = Path({str(tmp_path)!r}); sys.exit(run.main())"
    )


def _health(port) -> dict | None:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=5) as resp:
            return json.loads(resp.read())
    except OSError:
        return None


def _post(port, path: str, body: dict, token: str | None) -> dict:
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1{path}", method="POST",
                                     data=json.dumps(body).encode(), headers=headers)
    with urllib.request.urlopen(request, timeout=10) as resp:
        return json.loads(resp.read())


def _pending_outbox(path) -> int:
    """Rows due and not done, read with sqlite3 itself (the stack owns the database)."""
    with closing(sqlite3.connect(path, timeout=30)) as db:
        return db.execute("SELECT count(*) FROM outbox_message WHERE done_at IS NULL AND due_at <= ?",
                          (dt.datetime.now(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None).isoformat(" "),)).fetchone()[0]
