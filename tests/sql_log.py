"""The SQL statements a block of code sends, as peewee logs them (db.Prepared hands its SQL to the logger
whenever someone listens): for tests that count a hot path's round trips."""

import logging
from contextlib import contextmanager

_WORDS = ("SELECT", "INSERT", "UPDATE", "DELETE")


class _Collect(logging.Handler):
    def __init__(self, seen: list):
        super().__init__()
        self.seen = seen

    def emit(self, record):
        message = record.getMessage()
        if message.startswith("(") and any(word in message for word in _WORDS):  # not the pool's own messages
            self.seen.append(message)


@contextmanager
def statements():
    """`with statements() as seen:` — `seen` lists the statements sent inside the block."""
    seen = []
    log, handler = logging.getLogger("peewee"), _Collect(seen)
    level = log.level
    log.addHandler(handler)
    log.setLevel(logging.DEBUG)
    try:
        yield seen
    finally:
        log.removeHandler(handler)
        log.setLevel(level)
