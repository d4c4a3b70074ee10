"""`python -m bench`: every benchmark in turn; the exit status says whether all met their goals."""

import sys

from bench import notifications

BENCHMARKS = (notifications,)

if __name__ == "__main__":
    sys.exit(max(benchmark.main([]) for benchmark in BENCHMARKS))
