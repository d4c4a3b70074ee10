"""Scale-out, proven at a small size: two API masters, two RQ workers and two schedulers on one
PostgreSQL and one Redis, under a mixed load (bench/scaleout.py, which `make bench` runs for 60 s).

It runs as its own process, as the bench does (it starts six more and a Redis of its own), and
asserts only what must hold on any machine however loaded: each tick ran once, each outbox row was
processed once, no WeChat message went twice, the ledger verifies, no answer other than 2xx.
"""

import subprocess
import sys

import pytest

from config.settings import ROOT
from tests.conftest import PG_AVAILABLE

pytestmark = [pytest.mark.slow, pytest.mark.postgres]


@pytest.mark.skipif(not PG_AVAILABLE, reason="PostgreSQL does not answer on 127.0.0.1:5432")
def test_two_of_everything_do_each_tick_each_row_and_each_send_once():
    done = subprocess.run([sys.executable, "-m", "bench.scaleout", "--seconds", "10", "--clients", "2",
                           "--correctness-only"], cwd=ROOT, capture_output=True, text=True, timeout=1800)
    output = done.stdout + done.stderr
    assert done.returncode == 0, output[-6000:]
    assert "no violation" in output
    for figure in ("cron ticks run twice, missed, or never run", "outbox rows not processed exactly once",
                   "duplicate WeChat sends", "WeChat sends lost", "ledger violations", "answers other than 2xx"):
        line = next(line for line in output.splitlines() if line.strip().startswith(figure))
        assert line.split()[-5:] == ["0.000", "goal", "=", "0", "PASS"], line
