"""Answers a process keeps while what they read has not changed: for reports that read a whole community
(the outlook, the honour rate) and are asked for far more often than their data moves.

A caller names its answer by a key that holds a fingerprint of what the answer reads, taken by small
index-only queries; an answer is made again when the fingerprint moves or the answer is `seconds` old.
Answers are kept per database (tests' databases never meet) and dropped all at once when `size` are kept.
"""

import datetime as dt
from collections.abc import Callable, Hashable
from weakref import WeakKeyDictionary

from server import clock
from server.db import database


class Kept:
    def __init__(self, seconds: int, size: int = 64):
        self.seconds, self.size = seconds, size
        self._kept: WeakKeyDictionary[object, dict] = WeakKeyDictionary()

    def get(self, key: Hashable, make: Callable[[], object]):
        """The answer kept under `key`, or `make()`'s, kept from now on. Callers must not change it."""
        now = clock.now()
        kept = self._kept.setdefault(database.obj, {})
        made = kept.get(key)
        if made is not None and dt.timedelta(0) <= now - made[0] <= dt.timedelta(seconds=self.seconds):
            return made[1]
        if len(kept) >= self.size:
            kept.clear()
        answer = make()
        kept[key] = (now, answer)
        return answer
