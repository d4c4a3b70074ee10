"""The worker class `make run` and production start (`rq worker -w workers.worker.LoveBankWorker`)."""

from rq import Worker

from workers import bootstrap


class LoveBankWorker(Worker):
    """RQ's forking worker, with settings loaded once in the parent before any fork."""

    def __init__(self, *args, **kwargs):
        bootstrap.settings()
        import workers.jobs  # noqa: F401 - every outbox handler, imported once before any fork

        super().__init__(*args, **kwargs)
