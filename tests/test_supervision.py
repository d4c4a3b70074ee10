"""Production supervision as shipped: compose and the systemd units restart every long-running
process, and run the scheduler entry point that waits out a Redis outage (tests/workers/test_scheduler.py)."""

import importlib
import re
import subprocess
import sys

from config.settings import ROOT


def test_compose_restarts_the_api_worker_and_scheduler_and_runs_the_patient_scheduler():
    text = (ROOT / "docker-compose.yml").read_text()
    shared, services = text.split("\nservices:\n")
    assert "restart: unless-stopped" in shared  # the x-app anchor every app service extends
    for name in ("api", "worker", "cron"):
        assert re.search(rf"\n  {name}:\n    <<: \*app\n", services), name
    assert '["python", "-m", "workers.scheduler"' in services and '"rq", "cron"' not in services


def test_systemd_units_restart_and_start_what_exists():
    units = {path.name: path.read_text() for path in (ROOT / "config" / "systemd").glob("*.service")}
    assert set(units) == {"lovebank-worker.service", "lovebank-scheduler.service"}
    for text in units.values():
        assert "\nRestart=always\n" in text
    assert "-m workers.scheduler" in units["lovebank-scheduler.service"]
    worker_class = re.search(r"-w (\S+)", units["lovebank-worker.service"]).group(1)
    module, name = worker_class.rsplit(".", 1)
    assert hasattr(importlib.import_module(module), name)
    done = subprocess.run([sys.executable, "-m", "workers.scheduler", "--help"], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0 and "--url" in done.stdout


def test_the_worker_beats_often_and_comes_back_soon(app, redis_url, redis):
    """As `rq worker -w workers.worker.LoveBankWorker` builds it (RQ's defaults passed explicitly)."""
    from rq.defaults import DEFAULT_JOB_MONITORING_INTERVAL, DEFAULT_MAINTENANCE_TASK_INTERVAL

    from workers import bootstrap
    from workers.worker import LoveBankWorker

    bootstrap.configure({"DATABASE_URL": app.config["DATABASE_URL"], "REDIS_URL": redis_url,
                         "SECRET_KEY": "test-secret", "ENV": "test"})

    worker = LoveBankWorker(["default"], connection=redis, job_monitoring_interval=DEFAULT_JOB_MONITORING_INTERVAL,
                            maintenance_interval=DEFAULT_MAINTENANCE_TASK_INTERVAL)
    # a heartbeat every 10 s: the sweeper's 30 s of grace then finds a dead worker's job within a minute
    assert worker.job_monitoring_interval == 10
    assert worker.maintenance_interval <= 60 and worker.max_connection_wait_time <= 10
    assert LoveBankWorker(["default"], connection=redis, job_monitoring_interval=5).job_monitoring_interval == 5
