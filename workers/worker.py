"""The worker class `make run` and production start (`rq worker -w workers.worker.LoveBankWorker`)."""

from rq import Worker
from rq.defaults import DEFAULT_JOB_MONITORING_INTERVAL, DEFAULT_MAINTENANCE_TASK_INTERVAL

from workers import bootstrap, ticks


class LoveBankWorker(Worker):
    """RQ's forking worker, with settings loaded once in the parent before any fork."""

    # A heartbeat every 10 s (RQ's default is 30): the outbox sweeper tells a job whose worker
    # died from a slow one by its overdue beat, and should know within a minute.
    HEARTBEAT_SECONDS = 10
    # While Redis is away the worker retries with backoff; RQ's ceiling of 60 s could leave work
    # waiting a minute after Redis is back: at most 10 s here.
    max_connection_wait_time = 10.0
    # Maintenance restarts the worker's RQ scheduler (it dies with Redis; it moves Retry's
    # delayed jobs back to their queues) and cleans registries: every minute, not ten.
    MAINTENANCE_SECONDS = 60

    def __init__(self, *args, **kwargs):
        # `rq worker` passes RQ's defaults explicitly: ours replace them unless told otherwise.
        for name, rq_default, ours in (
            ("job_monitoring_interval", DEFAULT_JOB_MONITORING_INTERVAL, self.HEARTBEAT_SECONDS),
            ("maintenance_interval", DEFAULT_MAINTENANCE_TASK_INTERVAL, self.MAINTENANCE_SECONDS),
        ):
            if kwargs.get(name, rq_default) == rq_default:
                kwargs[name] = ours
        bootstrap.settings()  # every outbox handler too (workers.jobs.register), once before any fork

        super().__init__(*args, **kwargs)

    def perform_job(self, job, queue, *args, **kwargs):
        """In the work horse: a cron job's run is written down under its tick first (workers/ticks.py)."""
        ticks.record_run(self.connection, job)
        return super().perform_job(job, queue, *args, **kwargs)
