"""Scale-out, proven (issue 17, goal 8): two API masters, two RQ workers and two schedulers, one database.

    python -m bench.scaleout [--seconds 60] [--clients 4]

One new PostgreSQL database (`scaleout_<hex>`, dropped at the end) and one private redis-server (on a
free port, never the machine's) are shared by six processes started with production's own commands:

- two gunicorn masters (config/gunicorn.py, `server.wsgi:app`) on two ports;
- two `rq worker --worker-class workers.worker.LoveBankWorker --with-scheduler <every queue>`;
- two `python -m workers.scheduler` (RQ's cron, workers/cron.py);

and WeChat is the local stand-in server (tests/wechat_stub.py), which records every send. Client
processes drive a mixed load for `--seconds` against both ports in turn: bookings, claims, check-in,
check-out, confirmations, payback requests (which offer the task to volunteers at once, by WeChat)
and inbox reads. A service is made to last 35 minutes by moving its check-in back in the database
(the one thing not done through the API: nobody waits half an hour in a benchmark).

Then the work is let drain, the schedulers, workers and masters are stopped, and it checks, failing
on ANY violation:

- every scheduled job ran exactly once per tick, and no tick between its first and last was missed
  (workers/ticks.py writes down each run; RQ's own history names each tick enqueued);
- every outbox row due before the end was processed, by exactly one run of its job (RQ keeps each
  run's result), with no failure;
- no WeChat message was sent twice, and none the database calls sent is missing at the stand-in;
- the ledger verifies (`lovebank verify-ledger`'s `ledger_verify.verify()`);
- no answer other than 2xx, no failed job, no process died.

Figures are printed with harness.report; rates are from a shared, loaded 2-core machine (every process
above and the clients on it), so they say what the proof carried, not what a machine can do.
"""

import argparse
import collections
import itertools
import multiprocessing as mp
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench import harness

ROOT = harness.ROOT
PG_ADMIN = os.environ.get("TEST_PG_DSN", "host=127.0.0.1 port=5432 user=postgres dbname=test")
SECRET = "scaleout-secret-" + "s" * 40
RESIDENTS, VOLUNTEERS, ELDERS = 12, 30, 6  # per community; a community per client
ELDER_MINUTES = 60_000  # each elder's household holds enough for every payback request of a run
SERVICE_MINUTES = 35  # a check-in moved back this far: 30 minutes credited
IN_FLIGHT = 8  # stories (booking → confirmation) a client keeps going at once (fewer than its volunteers)
PAYBACK_EVERY, INBOX_EVERY = 30, 7  # steps (a step: a request, or a wait while every story waits)
HELD_WAIT = 0.5  # seconds before a claim refused for a pending content check is tried again
DRAIN_SECONDS = 300  # generous: a loaded machine may take long, and only correctness is asserted
KINDS = ("booking", "claim", "check-in", "check-out", "confirmation", "payback request", "inbox")
HELD = "claim refused: content check pending"  # 422 task_held, tried again: a booking waits for its check


class Stack:
    """The processes of the proof, each with a log file; stopped in reverse order."""

    def __init__(self, folder: Path, env: dict):
        self.folder, self.env = folder, env
        self.procs: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, argv: list[str]) -> subprocess.Popen:
        log = open(self.folder / f"{name}.log", "w")  # noqa: SIM115 - the process keeps it
        proc = subprocess.Popen(argv, env=self.env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                start_new_session=True)
        self.procs.append((name, proc))
        return proc

    def dead(self) -> list[str]:
        return [f"{name} exited (code {proc.returncode})" for name, proc in self.procs if proc.poll() is not None]

    def stop(self, prefix: str = "") -> None:
        chosen = [(name, proc) for name, proc in self.procs if name.startswith(prefix)]
        for _, proc in chosen:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for _, proc in chosen:
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

    def tail(self, name: str, lines: int = 15) -> str:
        text = (self.folder / f"{name}.log").read_text(errors="replace").splitlines()
        return "\n".join(text[-lines:])


def _bin(name: str) -> str:
    return str(Path(sys.executable).parent / name)


def start_redis(folder: Path) -> tuple[subprocess.Popen, str]:
    from bench.notifications import start_redis as private_redis

    return private_redis(folder)


def create_database() -> str:
    import psycopg2

    name = f"scaleout_{uuid.uuid4().hex[:8]}"
    admin = psycopg2.connect(PG_ADMIN)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return f"postgresql://postgres@127.0.0.1:5432/{name}"


def postgres_answers() -> bool:
    import psycopg2

    try:
        psycopg2.connect(PG_ADMIN, connect_timeout=3).close()
        return True
    except psycopg2.OperationalError:
        return False


def prepare(url: str, redis_url: str) -> dict:
    """Settings, a migrated database with the catalog, and hooks, in this process (as harness._prepare)."""
    from config import settings as settings_module
    from server import clock, hooks, migrations, runtime
    from server.db import init_db
    from server.services.board import catalog

    values = settings_module.load({"DATABASE_URL": url, "REDIS_URL": redis_url, "SECRET_KEY": SECRET,
                                   "QUIET_HOURS": "off"})
    runtime.configure(values)
    clock.configure(values["TIMEZONE"])
    migrations.migrate(init_db(url))
    catalog.seed()
    hooks.install()
    return values


def seed(values: dict, communities: int) -> list[dict]:
    """Per community: residents who book, volunteers who serve, elders with banked hours who ask for
    payback; every member has an openid and subscribe-message credits, so WeChat copies are sent."""
    import datetime as dt

    from config.notification_templates import TEMPLATES
    from server import clock
    from server.db import database
    from server.models import Household, Member, SubscriptionCredit
    from server.services.ledger import ledger_ops
    from tests.factories import make_community, make_coordinator, make_member, make_volunteer

    worlds = []
    for n in range(communities):
        community = make_community(name=f"扩展压测社区{n}", code=f"SCALE{n}")
        coordinator = make_coordinator(community)
        residents = [make_member(community) for _ in range(RESIDENTS)]
        volunteers = [make_volunteer(community)[0] for _ in range(VOLUNTEERS)]
        elders = [make_member(community, birth_date=dt.date(1950, 3, 1)) for _ in range(ELDERS)]
        for elder in elders:
            ledger_ops.adjust(coordinator, Household.get_by_id(elder.household_id), minutes=ELDER_MINUTES,
                              reason="纸质存折转入", key=f"scaleout:fund:{elder.id}")
        token = lambda member: harness.token_for(values, Member.get_by_id(member.id))  # noqa: E731
        worlds.append({"residents": [token(m) for m in residents], "volunteers": [token(m) for m in volunteers],
                       "elders": [token(m) for m in elders]})
    database.execute_sql("UPDATE member SET openid = 'openid-scaleout-' || id")
    members = [m.id for m in Member.select(Member.id)]
    rows = [{"member": m, "template_key": key, "credits": 50, "updated_at": clock.now()}
            for m in members for key in TEMPLATES]
    for start in range(0, len(rows), 500):
        SubscriptionCredit.insert_many(rows[start:start + 500]).execute()
    return worlds


def _booking(hours_from_now: int = 0) -> dict:
    import datetime as dt

    from server import clock

    start = clock.now().replace(second=0, microsecond=0) + dt.timedelta(hours=hours_from_now)
    return {"category_code": "repairs", "item_code": "appliance_repair", "description": "洗衣机不排水，请帮忙看看",
            "window_start": start.isoformat(), "window_end": (start + dt.timedelta(hours=3)).isoformat(),
            "estimated_minutes": 60, "urgency": "normal"}


def _client(args) -> tuple[dict, list[str]]:
    """One client process: stories from booking to confirmation, payback requests and inbox reads, each
    request to the next port in turn, until the deadline. Returns requests done per kind, and errors."""
    import json

    import psycopg2

    ports, world, database_url, start_at, seconds = args
    db = psycopg2.connect(database_url)
    db.autocommit = True
    turn = itertools.count()
    done, errors = collections.Counter(), []
    residents, elders = itertools.cycle(world["residents"]), itertools.cycle(world["elders"])
    readers = itertools.cycle(world["residents"] + world["volunteers"])

    def call(kind, method, path, token, body=None, expect=(200, 201)):
        port = ports[next(turn) % len(ports)]
        status, raw = harness.request(port, method, path, body, {"Authorization": f"Bearer {token}"})
        if kind == "claim" and status == 422 and b'"task_held"' in raw:
            done[HELD] += 1  # its text is still with WeChat's content check (a worker's job): later
            return HELD
        if status not in expect:
            errors.append(f"{kind} {method} {path} on :{port}: {status} {raw[:300].decode(errors='replace')}")
            return None
        done[kind] += 1
        return json.loads(raw) if raw else {}

    def advance(story) -> bool:
        """One step of a story; False when it is over (confirmed, or failed)."""
        stage, task = story["stage"], story.get("task")
        if stage == "book":
            answer = call("booking", "POST", "/api/v1/requests", story["resident"], _booking())
            story["task"] = answer and answer["task_id"]
            story["stage"] = "claim"
        elif stage == "claim":
            answer = call("claim", "POST", f"/api/v1/tasks/{task}/claim", story["volunteer"])
            if answer is HELD:
                story["after"] = time.time() + HELD_WAIT
            else:
                story["stage"] = "check-in"
        elif stage == "check-in":
            answer = call("check-in", "POST", f"/api/v1/tasks/{task}/check-in", story["volunteer"], {})
            if answer is not None:  # the service lasted SERVICE_MINUTES
                db.cursor().execute("UPDATE task_visit SET checked_in_at = checked_in_at - %s * interval '1 minute' "
                                    "WHERE task_id = %s AND checked_out_at IS NULL", (SERVICE_MINUTES, task))
            story["stage"] = "check-out"
        elif stage == "check-out":
            answer = call("check-out", "POST", f"/api/v1/tasks/{task}/check-out", story["volunteer"])
            story["record"] = answer and answer["record"]["id"]
            story["stage"] = "confirm"
        else:
            answer = call("confirmation", "POST", f"/api/v1/service-records/{story['record']}/confirm",
                          story["resident"], {"rating": 5})
            return False
        return answer is not None

    while time.time() < start_at:
        time.sleep(0.01)
    deadline = start_at + seconds
    stories, steps = [], itertools.count(1)
    free = collections.deque(world["volunteers"])  # a volunteer has at most one open visit: one story at a time
    while time.time() < deadline:
        step, now = next(steps), time.time()
        ready = next((story for story in stories if story["after"] <= now), None)
        if step % PAYBACK_EVERY == 0:
            call("payback request", "POST", "/api/v1/payback-requests", next(elders), _booking(hours_from_now=2))
        elif step % INBOX_EVERY == 0:
            call("inbox", "GET", "/api/v1/notifications", next(readers))
        elif ready is not None:
            if not advance(ready):
                stories.remove(ready)
                free.append(ready["volunteer"])
        elif len(stories) < IN_FLIGHT and free:
            stories.append({"stage": "book", "resident": next(residents), "volunteer": free.popleft(), "after": 0})
        else:
            time.sleep(HELD_WAIT / 5)  # every story waits for its content check
    db.close()
    return dict(done), errors


def _wait(condition, timeout: float, every: float = 0.5) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return bool(condition())


def _queues_idle(redis) -> bool:
    from rq import Queue

    from server import queues

    for name in queues.ALL:
        queue = Queue(name, connection=redis)
        if queue.count or queue.started_job_registry.count or queue.scheduled_job_registry.count:
            return False
    return True


def _outbox_drained(end) -> bool:
    from server.db import database
    from server.models import OutboxMessage

    try:
        return not OutboxMessage.select().where(OutboxMessage.done_at.is_null(), OutboxMessage.due_at <= end,
                                                OutboxMessage.attempts == 0).exists()
    finally:
        database.close()


SWEEP_JOB = "workers.jobs.outbox.sweep"


def check_cron(redis) -> tuple[dict, list[str]]:
    """Every tick of every scheduled job ran once; none between a job's first and last was missed."""
    from rq.cron import get_cron_job_ids

    from workers import ticks
    from workers.scheduler import PatientCronScheduler

    schedule = PatientCronScheduler(connection=redis, name="scaleout-check")
    schedule.load_config_from_file("workers.cron")
    violations, total, sweep_ticks = [], 0, 0
    for job in schedule.get_jobs():
        ran = ticks.runs(redis, job.name)
        total += sum(ran.values())
        violations += [f"{job.name}: tick {tick:%H:%M:%S} ran {count} times" for tick, count in ran.items()
                       if count != 1]
        enqueued = {ticks.parse_tick(job_id.rsplit("-", 1)[1]) for job_id in get_cron_job_ids(job.name, redis)}
        violations += [f"{job.name}: tick {tick:%H:%M:%S} enqueued, never ran" for tick in enqueued - set(ran)]
        ordered = sorted(ran)
        for earlier, later in itertools.pairwise(ordered):
            if job.tick_after(earlier) != later:
                violations.append(f"{job.name}: ticks missed between {earlier:%H:%M:%S} and {later:%H:%M:%S}")
        if job.name == SWEEP_JOB:  # other jobs run by interval too (SMS reports, every minute): not these
            sweep_ticks = len(ordered)
    if sweep_ticks < 2:
        violations.append(f"the outbox sweeper ran on {sweep_ticks} ticks")
    return {"runs": total, "sweep ticks": sweep_ticks, "refused": sum(ticks.refused(redis).values())}, violations


def check_outbox(redis, end) -> tuple[dict, list[str]]:
    """Every row due before the end is done, by exactly one run of its job, which did the work."""
    from rq.exceptions import NoSuchJobError
    from rq.job import Job

    from server import queueing
    from server.db import database
    from server.models import OutboxMessage

    violations, processed = [], 0
    with database.connection_context():
        rows = list(OutboxMessage.select().where(OutboxMessage.due_at <= end))
        for row in rows:
            if row.done_at is None or row.attempts or row.last_error:
                violations.append(f"outbox {row.id} ({row.kind}): done_at={row.done_at} attempts={row.attempts} "
                                  f"{row.last_error[:120]}")
                continue
            try:
                results = Job.fetch(queueing.job_id(row), connection=redis).results()
            except NoSuchJobError:
                violations.append(f"outbox {row.id} ({row.kind}): no record of its job's run")
                continue
            outcomes = [result.return_value for result in results]
            if outcomes != ["done"]:
                violations.append(f"outbox {row.id} ({row.kind}): its job ran {len(outcomes)} times: {outcomes}")
            processed += 1
    return {"rows": len(rows), "processed": processed}, violations


def check_wechat(stub) -> tuple[dict, list[str]]:
    """The stand-in's sends, against the notifications the database calls sent: none twice, none missing."""
    from server.db import database
    from server.models import Member, Notification
    from tests.wechat_stub import SUBSCRIBE_SEND

    received = collections.Counter((call["body"]["touser"], call["body"]["template_id"], call["body"].get("page", ""))
                                   for call in stub.calls(SUBSCRIBE_SEND))
    with database.connection_context():
        sent = collections.Counter(
            (openid, f"TPL-{template}", link) for openid, template, link in
            Notification.select(Member.openid, Notification.template_key, Notification.link).join(Member)
            .where(Notification.wechat_status == "sent").tuples())
        stuck = Notification.select().where(Notification.wechat_status.in_(("sending", "unknown"))).count()
    duplicates = sum(max(0, count - sent[key]) for key, count in received.items())
    lost = sum(max(0, count - received[key]) for key, count in sent.items())
    violations = []
    if duplicates:
        violations.append(f"{duplicates} WeChat messages sent more than once")
    if lost:
        violations.append(f"{lost} WeChat messages the database calls sent never reached WeChat")
    if stuck:
        violations.append(f"{stuck} WeChat copies left sending/unknown")
    return {"sends": sum(received.values()), "duplicates": duplicates, "lost": lost}, violations


def check_ledger() -> tuple[dict, list[str]]:
    from server.db import database
    from server.models import Entry
    from server.services.ledger import ledger_verify

    with database.connection_context():
        found = ledger_verify.verify()
        entries = Entry.select().count()
    return {"entries": entries}, [f"ledger: {v.rule}: {v.detail}" for v in found]


def _failed_jobs(redis) -> list[str]:
    from rq import Queue
    from rq.job import Job

    from server import queues

    found = []
    for name in queues.ALL:
        for job_id in Queue(name, connection=redis).failed_job_registry.get_job_ids():
            job = Job.fetch(job_id, connection=redis)
            found.append(f"job {job_id} failed: {(job.latest_result().exc_string or '')[-300:]}")
    return found


def prove(seconds: float = 60.0, clients: int = 4, *, whole_mix: bool = True) -> tuple[list, list[str]]:
    """Run the proof; (harness.report rows, violations). `whole_mix`: every kind of request must have
    been made at least once (a goal of the bench; a short run on a loaded machine may not get that far)."""
    from redis import Redis

    from config.notification_templates import TEMPLATES
    from server import queues
    from tests.wechat_stub import WeChatStub

    folder = Path(tempfile.mkdtemp(prefix="lovebank-scaleout-"))
    redis_proc, redis_url = start_redis(folder)
    database_url = create_database()
    stub = WeChatStub().start()
    stack = None
    try:
        values = prepare(database_url, redis_url)
        started = time.perf_counter()
        worlds = seed(values, clients)
        print(f"  seeded {clients} communities in {time.perf_counter() - started:.1f} s; logs in {folder}")
        from server.db import database

        database.close()
        env = {**os.environ, "ENV": "production", "SECRET_KEY": SECRET, "DEV_LOGIN": "0",
               "DATABASE_URL": database_url, "REDIS_URL": redis_url, "WEB_CONCURRENCY": "2", "QUIET_HOURS": "off",
               "WECHAT_APPID": "wx-scaleout", "WECHAT_SECRET": "scaleout", "WECHAT_API_BASE": stub.base,
               "WECHAT_TEMPLATE_IDS": ",".join(f"{key}=TPL-{key}" for key in TEMPLATES),
               # each run's result kept past the check (it counts the runs of every outbox row's job)
               "JOB_RESULT_TTL_SECONDS": "7200", "PYTHONUNBUFFERED": "1",
               **harness.limits_out_of_reach()}
        stack = Stack(folder, env)
        ports = [harness.free_port(), harness.free_port()]
        for n, port in enumerate(ports):  # as server/run.py starts them, on two ports
            stack.start(f"api-{n}", [_bin("gunicorn"), "-c", str(ROOT / "config" / "gunicorn.py"), "--bind",
                                     f"127.0.0.1:{port}", "--access-logfile", "/dev/null", "server.wsgi:app"])
        for n in range(2):
            stack.start(f"worker-{n}", [_bin("rq"), "worker", "--url", redis_url, "--worker-class",
                                        "workers.worker.LoveBankWorker", "--with-scheduler", *queues.ALL])
        for n in range(2):
            stack.start(f"scheduler-{n}", [sys.executable, "-m", "workers.scheduler", "--url", redis_url])
        redis = Redis.from_url(redis_url)
        if not _everything_up(redis, ports, stack):
            return [], ["the stack did not come up: " + "; ".join(stack.dead())]

        start_at = time.time() + 1.0
        with mp.get_context("fork").Pool(clients, initializer=harness.default_signals) as pool:
            results = pool.map(_client, [(ports, worlds[n], database_url, start_at, seconds)
                                         for n in range(clients)])
        end = _local_now()
        done = collections.Counter()
        errors = []
        for counts, errs in results:
            done.update(counts)
            errors += errs
        print(f"  load over: {sum(done.values())} requests; letting the work drain …")

        violations = list(errors)
        drained = _wait(lambda: _outbox_drained(end) and _queues_idle(redis), DRAIN_SECONDS)
        busy_seconds = time.time() - start_at  # from the first request until the outbox is drained
        stack.stop("scheduler-")
        drained = drained and _wait(lambda: _queues_idle(redis), DRAIN_SECONDS)
        if not drained:
            violations.append(f"work not drained within {DRAIN_SECONDS} s")
        dead = stack.dead()
        violations += [f"{line} before the end" for line in dead if not line.startswith("scheduler-")]
        stack.stop("worker-")
        stack.stop("api-")
        violations += [f"{name} exited with code {proc.returncode}" for name, proc in stack.procs
                       if proc.returncode not in (0, -signal.SIGTERM)]

        cron, cron_found = check_cron(redis)
        outbox, outbox_found = check_outbox(redis, end)
        wechat, wechat_found = check_wechat(stub)
        ledger, ledger_found = check_ledger()
        failed = _failed_jobs(redis)
        violations += cron_found + outbox_found + wechat_found + ledger_found + failed

        rows = [(f"{kind} requests/s", done[kind] / seconds, "> 0" if whole_mix else "-",
                 done[kind] > 0 or not whole_mix) for kind in KINDS]
        rows.append((f"{HELD} (/s)", done[HELD] / seconds, "-", True))
        rows += [
            ("API requests/s, both masters", sum(done.values()) / seconds, "> 0", sum(done.values()) > 0),
            ("answers other than 2xx", len(errors), "= 0", not errors),
            ("cron runs (all jobs, ticks)", cron["runs"], ">= 2", cron["sweep ticks"] >= 2),
            ("tick claims lost to the other scheduler (both ran)", cron["refused"], "> 0", cron["refused"] > 0),
            ("cron ticks run twice, missed, or never run", len(cron_found), "= 0", not cron_found),
            ("outbox rows processed", outbox["processed"], "> 0", outbox["processed"] > 0),
            ("outbox rows processed/s, first request to drained", outbox["processed"] / busy_seconds, "-", True),
            ("outbox rows not processed exactly once", len(outbox_found), "= 0", not outbox_found),
            ("failed jobs", len(failed), "= 0", not failed),
            ("WeChat sends (stand-in server)", wechat["sends"], "> 0", wechat["sends"] > 0),
            ("duplicate WeChat sends", wechat["duplicates"], "= 0", wechat["duplicates"] == 0),
            ("WeChat sends lost", wechat["lost"], "= 0", wechat["lost"] == 0),
            ("ledger entries, verified", ledger["entries"], "> 0", ledger["entries"] > 0),
            ("ledger violations", len(ledger_found), "= 0", not ledger_found),
        ]
        for line in violations[:30]:
            print(f"  VIOLATION: {line}")
        if violations:
            for name, _ in stack.procs:
                if "Traceback" in (folder / f"{name}.log").read_text(errors="replace"):
                    print(f"  --- {name}.log (tail)\n{stack.tail(name)}")
        return rows, violations
    finally:
        if stack is not None:
            stack.stop()
        stub.stop()
        from server.db import database

        if not database.is_closed():
            database.close()
        harness.drop_postgres(database_url)
        redis_proc.kill()
        redis_proc.wait()


def _local_now():
    from server import clock

    return clock.now()


def _everything_up(redis, ports, stack) -> bool:
    """Both masters answer, both workers and both schedulers have registered in Redis."""
    from rq import Worker
    from rq.cron import CronScheduler

    def up():
        if stack.dead():
            return True
        answering = all(_answers(port) for port in ports)
        return answering and len(Worker.all(connection=redis)) == 2 and len(CronScheduler.all(redis)) == 2

    return _wait(up, 120) and not stack.dead()


def _answers(port: int) -> bool:
    try:
        return harness.request(port, "GET", "/api/v1/health/ping")[0] == 200
    except OSError:
        return False


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scaleout", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60.0, help="how long the mixed load runs")
    parser.add_argument("--clients", type=int, default=4, help="client processes driving it")
    parser.add_argument("--correctness-only", action="store_true",
                        help="do not fail when a kind of request was not reached (short runs, loaded machines)")
    args = parser.parse_args(argv)
    print(f"\nscale-out: 2 API masters, 2 RQ workers, 2 schedulers, one PostgreSQL, one Redis; "
          f"{args.clients} clients for {args.seconds:g} s")
    if not postgres_answers():
        print("  FAIL: PostgreSQL does not answer on 127.0.0.1:5432 (the proof needs it)")
        return 1
    rows, violations = prove(args.seconds, args.clients, whole_mix=not args.correctness_only)
    ok = harness.report("scale-out (issue 17, goal 8)", rows) if rows else False
    print(f"  {len(violations)} violations" if violations else "  no violation")
    return 0 if ok and not violations else 1


if __name__ == "__main__":
    sys.exit(main())
