"""`make bench` stops when it is told to (SIGTERM), whatever signal handlers an earlier suite left behind."""

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Two stand-in suites: the first installs a handler as RQ's worker does (SIGTERM raises an Exception) and ends;
# the second says it is running and waits for a signal; a third must never run.
SUITES = textwrap.dedent("""
    import signal, sys

    class StopRequested(Exception):
        pass

    def like_an_rq_worker():
        def request_stop(signum, frame):
            raise StopRequested()
        signal.signal(signal.SIGTERM, request_stop)
        return 0

    def waiting():
        print("waiting", flush=True)
        signal.pause()
        return 0

    def never():
        print("the run went on", flush=True)
        return 0
""")


def test_sigterm_ends_the_whole_run_after_a_suite_left_rq_handlers(tmp_path):
    (tmp_path / "standins.py").write_text(SUITES)
    for name in ("first", "second", "third"):
        (tmp_path / f"{name}.py").write_text(
            "from standins import like_an_rq_worker, waiting, never\n"
            f"main = {dict(first='like_an_rq_worker', second='waiting', third='never')[name]}\n")
    script = ("import sys; import bench.__main__ as b; b.SUITES = ['first', 'second', 'third']; "
              "sys.exit(b.main())")
    proc = subprocess.Popen([sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True,
                            env={**os.environ, "PYTHONPATH": f"{tmp_path}{os.pathsep}{ROOT}"})
    try:
        assert proc.stdout.readline().strip() == "waiting"  # the second suite runs, the first's handler in place
        proc.send_signal(signal.SIGTERM)
        rest = proc.stdout.read()
        assert proc.wait(timeout=60) == 128 + signal.SIGTERM
    finally:
        proc.kill()
    assert "the run went on" not in rest and "Benchmarks" not in rest
