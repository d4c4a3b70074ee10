"""The health check's question to the database: does it answer, and which one is it."""

from server.db import database, is_postgres


def check_database() -> str:
    """Run a trivial statement (a failure propagates: the check answers 500) and name the backend."""
    database.execute_sql("SELECT 1")
    return "postgresql" if is_postgres() else "sqlite"
