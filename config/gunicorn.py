"""gunicorn settings for `make run` and the container (override with GUNICORN_CMD_ARGS)."""

import multiprocessing
import os

workers = int(os.environ.get("WEB_CONCURRENCY", max(2, min(4, multiprocessing.cpu_count()))))
worker_class = "sync"
timeout = 30
graceful_timeout = 10
accesslog = "-"
# No request bodies or query strings in the log: tokens and personal data stay out.
access_log_format = '%(h)s "%(m)s %(U)s" %(s)s %(b)s %(M)sms'
