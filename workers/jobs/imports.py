"""A large import's commit (server/services/imports/core.py) runs as an outbox job."""

from server.services.imports import core as imports


def commit(payload: dict, message) -> None:
    """Post the import the station asked to commit (a re-run finds it committed and does nothing)."""
    imports.run_commit(payload["import_id"], payload["actor_id"])
