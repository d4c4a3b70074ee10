"""A test outbox kind, `test.ping`, whose handler notes each payload's `n` in DELIVERED.

A module that imports `ping_handler` has it for every test (autouse)."""

import pytest

from server.services.messaging import outbox
from workers.jobs import outbox as outbox_jobs

DELIVERED = []


@pytest.fixture(autouse=True)
def ping_handler():
    DELIVERED.clear()
    outbox_jobs.HANDLERS["test.ping"] = lambda payload, message: DELIVERED.append(payload["n"])
    yield
    outbox_jobs.HANDLERS.pop("test.ping", None)
    outbox.discard_pending()
