"""Numbered schema migrations, applied by `lovebank migrate` (playhouse.migrations.Runner).

Each file creates its tables from frozen model copies, so old migrations never change
when the models do. New migration: `lovebank makemigration <name>` writes one from the
difference between a migrated database and the models.
"""

from pathlib import Path

from playhouse.migrations import Runner

DIRECTORY = str(Path(__file__).resolve().parent)
HISTORY_TABLE = "schema_migration"


def runner(database) -> Runner:
    return Runner(database, directory=DIRECTORY, table_name=HISTORY_TABLE)


def migrate(database) -> list[str]:
    """Apply every pending migration; returns their names."""
    return runner(database).up()


def tidy(body: str, name: str) -> str:
    """playhouse's generated file, minus its notes about Python-side datetime defaults
    (the application sets those; the database needs nothing)."""
    import re

    body = re.sub(r"# Generated from a schema diff on .*\n", f'"""{name.replace("_", " ").capitalize()} (frozen models)."""\n', body)
    body = re.sub(r"# TODO: \w+: default <function now at 0x[0-9a-f]+> must be added by hand\n", "", body)
    return body.replace("from server.db import JSONField\n\n", "from server.db import JSONField\n\n"
                        "# Datetime defaults are set by the application, not the database.\n\n", 1)
