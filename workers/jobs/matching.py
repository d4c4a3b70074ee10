"""Matching jobs: one round of asking volunteers (an outbox row), and the periodic escalation check."""

from server.services.board import matching
from workers.jobs.outbox import run_service


def run_round(payload: dict, message) -> None:
    """Rank, store and notify this round's candidates (a re-run finds them stored and asks nobody twice)."""
    matching.run_round(payload["opening_id"], payload["round"])


def escalate() -> dict:
    """Every few minutes: unclaimed tasks past their timers get round 2, then the coordinators' alert."""
    return run_service(matching.escalate)
