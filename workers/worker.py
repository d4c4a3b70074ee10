"""The worker class `make run` and production start (`rq worker -w workers.worker.LoveBankWorker`)."""

from rq import Worker
from rq.defaults import DEFAULT_JOB_MONITORING_INTERVAL

from workers import bootstrap


class LoveBankWorker(Worker):
    """RQ's forking worker, with settings loaded once in the parent before any fork."""

    # A heartbeat every 10 s (RQ's default is 30): the outbox sweeper tells a job whose worker
    # died from a slow one by its overdue beat, and should know within a minute.
    HEARTBEAT_SECONDS = 10
    # While Redis is away the worker retries with backoff; RQ's ceiling of 60 s could leave work
    # waiting a minute after Redis is back: at most 10 s here.
    max_connection_wait_time = 10.0

    def __init__(self, *args, **kwargs):
        if kwargs.get("job_monitoring_interval", DEFAULT_JOB_MONITORING_INTERVAL) == DEFAULT_JOB_MONITORING_INTERVAL:
            kwargs["job_monitoring_interval"] = self.HEARTBEAT_SECONDS  # `rq worker` passes RQ's default
        bootstrap.settings()
        import workers.jobs  # noqa: F401 - every outbox handler, imported once before any fork

        super().__init__(*args, **kwargs)
