"""Run every benchmark: `python -m bench`."""

import importlib
import sys

SUITES = ["bench.ledger", "bench.board", "bench.api", "bench.notifications", "bench.jobs", "bench.matching",
          "bench.redemption", "bench.honour", "bench.imports"]


def main() -> int:
    failed = [name for name in SUITES if importlib.import_module(name).main() != 0]
    print("\nall benchmark goals met" if not failed else f"\ngoals missed in: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
