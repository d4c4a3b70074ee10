"""`make run`: the embedded Redis starts, and the whole stack serves and stops on Ctrl-C."""

import os
import signal
import subprocess
import sys
import time
import urllib.request

import psutil
import pytest

from server import run
from server.redis_conn import redis_ok
from tests.conftest import _free_port


def test_embedded_redis_is_a_real_redis(tmp_path, monkeypatch):
    monkeypatch.setattr(run, "VAR", tmp_path)
    port = _free_port()
    proc = run.start_embedded_redis(port)
    try:
        assert redis_ok(f"redis://127.0.0.1:{port}/0")
        assert (tmp_path / "redis").is_dir()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def _get(url):
    with urllib.request.urlopen(url, timeout=2) as resp:
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
    children = []
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                status, body = _get(f"http://127.0.0.1:{port}/api/v1/health")
                break
            except OSError:
                time.sleep(0.3)
        else:
            pytest.fail("the API did not answer within a minute")
        assert status == 200 and '"database":"ok"' in body.replace(" ", "")
        assert _get(f"http://127.0.0.1:{port}/api/v1/docs")[0] == 200
        request = urllib.request.Request(f"http://127.0.0.1:{port}/api/v1/auth/dev-login", method="POST",
                                         data=b'{"handle": "retired"}', headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=5) as resp:
            assert resp.status == 200  # demo data loaded, dev login on by default
        children = psutil.Process(proc.pid).children(recursive=True)
        assert len(children) >= 3  # gunicorn, rq worker, rq cron
    finally:
        proc.send_signal(signal.SIGINT)
        output, _ = proc.communicate(timeout=30)
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
        proc.wait(timeout=10)


def test_ensure_redis_keeps_an_explicit_url():
    env = {"REDIS_URL": "redis://example:1/0"}
    assert run.ensure_redis(env) is None and env["REDIS_URL"] == "redis://example:1/0"
