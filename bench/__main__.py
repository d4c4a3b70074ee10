"""Run every benchmark: `python -m bench`; at the end one Markdown table of every figure, its goal and
PASS/FAIL (the README's performance table is this output), and a non-zero exit on any miss."""

import importlib
import os
import signal
import sys
import traceback

from bench import harness

SUITES = ["bench.ledger", "bench.board", "bench.api", "bench.notifications", "bench.jobs", "bench.matching",
          "bench.redemption", "bench.honour", "bench.exchange", "bench.passbook_scale", "bench.city",
          "bench.scaleout", "bench.imports"]
# A city's 10,000,000 entries take long to seed on a small machine: `make bench` runs it at a tenth (its
# whole-city figures judged per unit of scale) unless BENCH_CITY_SCALE says otherwise (1: the size).
# Not a hundredth: a close that scanned the whole city's records once per community (a cost growing with the
# square of the city) projected 2× better from there than from a tenth (docs/benchmarks.md, "The monthly close").
os.environ.setdefault("BENCH_CITY_SCALE", "0.1")


def _stopped(signum, _frame):
    """SIGTERM or SIGINT: the whole run ends, through each suite's `finally` (its servers stopped, its databases
    dropped), not only the suite running now."""
    raise SystemExit(128 + signum)


def _stop_on_signals() -> None:
    """The run's own handlers, again after each suite: a suite that ran an RQ worker in this process (bench.jobs,
    bench.notifications) left RQ's installed, which answer SIGTERM by raising StopRequested, an Exception that
    `run` took for that suite's failure, and the run went on to the next."""
    signal.signal(signal.SIGTERM, _stopped)
    signal.signal(signal.SIGINT, _stopped)


def run(name: str) -> bool:
    """One suite in this process; a suite that raises, or fails without a figure to show it, is a row too."""
    reported = len(harness.RESULTS)
    try:
        ok = importlib.import_module(name).main() == 0
    except Exception:  # noqa: BLE001 - one broken suite must not hide the others' figures
        traceback.print_exc()
        harness.RESULTS.append((name, "the suite ran to its end", 0, "no error", False))
        return False
    finally:
        _stop_on_signals()
    if not ok and all(row[4] for row in harness.RESULTS[reported:]):
        harness.RESULTS.append((name, "the suite's own checks", 0, "exit 0", False))
    return ok


def main() -> int:
    _stop_on_signals()
    failed = [name for name in SUITES if not run(name)]
    print("\n## Benchmarks (`make bench`)\n")
    print(harness.summary())
    print("\nall benchmark goals met" if not failed else f"\ngoals missed in: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
