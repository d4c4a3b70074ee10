"""Run every benchmark: `python -m bench`."""

import importlib
import os
import sys

SUITES = ["bench.ledger", "bench.board", "bench.api", "bench.notifications", "bench.jobs", "bench.matching",
          "bench.redemption", "bench.honour", "bench.passbook_scale", "bench.city"]
# A city's 10,000,000 entries take long to seed on a small machine: `make bench` runs it at a hundredth
# (its whole-city figures judged per unit of scale) unless BENCH_CITY_SCALE says otherwise (1: the size).
os.environ.setdefault("BENCH_CITY_SCALE", "0.01")


def main() -> int:
    failed = [name for name in SUITES if importlib.import_module(name).main() != 0]
    print("\nall benchmark goals met" if not failed else f"\ngoals missed in: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
