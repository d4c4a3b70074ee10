"""A column that holds one of a few words: the database refuses any other (a CHECK built from the model's tuple).

Each enum has one home, the tuple beside its model; the same tuple builds this CHECK and the API
schemas' `OneOf` (so OpenAPI lists the words as an `enum`). Migration 0015 added the checks to
databases created before them (triggers on SQLite, which cannot add a constraint to a table).
"""

from peewee import Check


def one_of(column: str, values: tuple[str, ...]) -> list[Check]:
    """`constraints=` for a field whose column must hold one of `values` (NULL passes, as in SQL)."""
    words = ", ".join("'" + value.replace("'", "''") + "'" for value in values)
    return [Check(f"{column} IN ({words})")]
