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
