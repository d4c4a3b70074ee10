"""Serve the app with gunicorn (as in production) and drive it from client processes.

Every goal is a ratio against a baseline taken in the same run on the same machine,
so the numbers mean the same on a laptop and in CI.
"""

import http.client
import json
import multiprocessing as mp
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_REDIS = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/14")


def default_signals() -> None:
    """A forked client's signals as Python's defaults: a suite that ran an RQ worker in this process (bench.jobs,
    bench.notifications) left its handlers installed, and a pool client that inherits them raises StopRequested
    when the pool ends it, sometimes while holding the pool's queue lock, which then hangs every later round."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.default_int_handler)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _prepare(url: str):
    """Settings, clock, a migrated database with the catalog, and hooks — in this process.

    The benchmark's Redis database is emptied: every run starts a new database whose
    outbox rows must not meet an earlier run's jobs."""
    from server.redis_conn import get_redis

    get_redis(BENCH_REDIS).flushdb()
    from config import settings as settings_module
    from server import clock, hooks, migrations, runtime
    from server.db import init_db
    from server.services.board import catalog

    values = settings_module.load({"DATABASE_URL": url, "REDIS_URL": BENCH_REDIS, "SECRET_KEY": "bench-secret"})
    runtime.configure(values)
    clock.configure(values["TIMEZONE"])
    migrations.migrate(init_db(url))
    catalog.seed()
    hooks.install()
    return url, values


def prepare_sqlite(tmpdir: Path):
    return _prepare(f"sqlite:///{tmpdir / 'bench.db'}")


def create_postgres() -> str:
    """An empty scratch PostgreSQL database (127.0.0.1:5432, as in CI); its URL, pooled as every postgresql:// URL.
    Drop it with `release_postgres` (or `drop_postgres`)."""
    import uuid

    import psycopg2

    name = f"lovebank_bench_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect("host=127.0.0.1 port=5432 user=postgres dbname=test")
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return f"postgresql://postgres@127.0.0.1:5432/{name}"


def prepare_postgres():
    """A fresh PostgreSQL database for the run, migrated and configured in this process."""
    return _prepare(create_postgres())


def drop_postgres(url: str) -> None:
    import psycopg2

    name = url.rsplit("/", 1)[1]
    admin = psycopg2.connect("host=127.0.0.1 port=5432 user=postgres dbname=test")
    admin.autocommit = True
    admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def release_postgres(url: str) -> None:
    """After a suite's run: close this process's pooled connections to its scratch database, then drop it."""
    from server.db import database

    if not database.is_closed():
        database.close()
    database.obj.close_all()
    drop_postgres(url)


def token_for(values: dict, member) -> str:
    from itsdangerous import URLSafeTimedSerializer

    return URLSafeTimedSerializer(values["SECRET_KEY"], salt="login").dumps({"m": member.id, "v": member.token_version})


def out_of_reach(limit: str) -> str:
    """A rate limit with the windows production has, each out of the bench's reach: `120/minute;2000/hour` →
    `100000000/minute;100000000/hour` (counted as production counts it: one limit, its windows, its round trip)."""
    return re.sub(r"(^|;)\s*\d+", r"\g<1>100000000", limit)


def limits_out_of_reach() -> dict[str, str]:
    """Every RATE_LIMIT_* setting as an API the bench starts gets it: its default's windows, out of reach (the
    bench writes far faster than people; the limits are still counted, their cost is real)."""
    from config import settings as settings_module

    return {name: out_of_reach(setting.default) for name, setting in settings_module.SETTINGS.items()
            if name.startswith("RATE_LIMIT_")}


@contextmanager
def gunicorn(database_url: str, workers: int = 2):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "REDIS_URL": BENCH_REDIS, "SECRET_KEY": "bench-secret",
           "ENV": "test", "WEB_CONCURRENCY": str(workers),
           **limits_out_of_reach()}
    proc = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", str(ROOT / "config" / "gunicorn.py"),
         "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null", "--log-level", "warning", "server.wsgi:app"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    try:
        for _ in range(200):
            try:
                status, _ = request(port, "GET", "/api/v1/ping")
                if status == 200:
                    break
            except OSError:
                time.sleep(0.05)
        yield port
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=20)


def request(port: int, method: str, path: str, body=None, headers=None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        payload = json.dumps(body).encode() if body is not None else None
        conn.request(method, path, body=payload, headers={"Content-Type": "application/json", **(headers or {})})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _with_headers(path, headers):
    """A path, or a (path, headers) pair whose headers are added to the round's."""
    if isinstance(path, tuple):
        return path[0], {**(headers or {}), **path[1]}
    return path, headers


def _client(args):
    port, method, paths, body, headers, seconds, start_at, once = args
    while time.time() < start_at:
        time.sleep(0.001)
    done, errors, i = 0, 0, 0
    deadline = start_at + seconds
    while time.time() < deadline:
        if once and i == len(paths):
            return done, errors, True
        path, path_headers = _with_headers(paths[i % len(paths)], headers)
        i += 1
        status, _ = request(port, method, path, body, path_headers)
        if 200 <= status < 300:
            done += 1
        else:
            errors += 1
    return done, errors, False


def throughput(port: int, method: str, paths: list, *, body=None, headers=None, seconds: float = 4.0,
               clients: int = 4, once: bool = False) -> tuple[float, int]:
    """Requests per second over `seconds` from `clients` processes (each a sequential loop); and errors.

    A path may be a (path, headers) pair: each request its own caller (a witness of its community).

    The work is sized by time: every client runs until the deadline. With `once` each path is requested
    at most once (a write that cannot be done twice): a client that has used up its paths before the
    deadline stops, and that counts as an error — the round measured less than its time."""
    start_at = time.time() + 0.5
    chunks = [paths[n::clients] or paths for n in range(clients)]
    with mp.get_context("fork").Pool(clients, initializer=default_signals) as pool:
        results = pool.map(_client, [(port, method, chunk, body, headers, seconds, start_at, once)
                                     for chunk in chunks])
    done = sum(r[0] for r in results)
    ran_out = sum(r[2] for r in results)
    if ran_out:
        print(f"  {ran_out} of {clients} clients ran out of work before the round's {seconds} s were up")
    return done / seconds, sum(r[1] for r in results) + ran_out


def latencies(port: int, requests: list[tuple[str, dict]], n: int = 300) -> list[float]:
    """Median seconds of one request at a time for each (path, headers), interleaved so
    that warm-up and background load fall on all of them alike."""
    samples = [[] for _ in requests]
    for round_ in range(n + 20):
        for index, (path, headers) in enumerate(requests):
            start = time.perf_counter()
            status, _ = request(port, "GET", path, headers=headers)
            elapsed = time.perf_counter() - start
            assert status == 200, status
            if round_ >= 20:  # the first rounds warm caches
                samples[index].append(elapsed)
    return [statistics.median(s) for s in samples]


def tempdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="lovebank-bench-"))


# Every row every suite reported in this process, (title, name, value, goal, ok): `python -m bench` prints
# them as one table at the end.
RESULTS: list[tuple[str, str, float, str, bool]] = []


def report(title: str, rows: list[tuple[str, float, str, bool]]) -> bool:
    """Print `name  value  goal  PASS/FAIL` rows and keep them for the summary; True when every goal is met."""
    print(f"\n== {title}")
    for name, value, goal, ok in rows:
        print(f"  {name:<58} {value:>10.3f}   goal {goal:<10} {'PASS' if ok else 'FAIL'}")
        RESULTS.append((title, name, value, goal, bool(ok)))
    return all(ok for *_, ok in rows)


def _figure(value: float) -> str:
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.3f}" if abs(value) < 10 else f"{value:,.1f}"


def summary(rows=None) -> str:
    """Every figure with its goal and PASS/FAIL as one Markdown table (the README carries it verbatim)."""
    lines = ["| suite | figure | measured | goal | result |", "|---|---|---:|---|---|"]
    for title, name, value, goal, ok in RESULTS if rows is None else rows:
        name, goal = name.replace("|", "\\|"), goal.replace("|", "\\|")
        lines.append(f"| {title} | {name} | {_figure(value)} | {goal} | {'PASS' if ok else '**FAIL**'} |")
    return "\n".join(lines)
