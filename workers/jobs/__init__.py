"""RQ jobs: plain importable functions that take ids and are safe to run twice.

Importing this package registers every outbox handler (workers.jobs.outbox.HANDLERS),
so any process that runs `workers.jobs.outbox.deliver` knows every kind.
"""

from workers.jobs import content_safety, matching, notifications  # noqa: F401 - registers outbox handlers
