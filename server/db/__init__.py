"""The database layer under the models and the services, one module per concern:

- `connection`: the `database` proxy, `init_db(url)` / `open_database(url)`, `is_postgres()`, PostgreSQL's
  per-process pool (`PostgresPool`), and what a lost PostgreSQL connection needs (`connection_lost`,
  `discard_connection`);
- `sqlite`: SQLite's pragmas and `QueuedSqliteDatabase` (writers queue on a file lock, checkpoints
  run outside the queue);
- `fields`: `BaseModel`, `JSONField`, `MAX_ID` and `is_id`;
- `prepared`: `Prepared` hot queries and `instance` (a model built from a row a hot path wrote).

The names are re-exported here: `from server.db import database, Prepared` is how code reads them.
The Flask request hooks (a connection per request) are the web layer's: server/extensions/connections.py.
"""

from server.db.connection import (
    PostgresPool,
    connection_lost,
    database,
    discard_connection,
    init_db,
    is_postgres,
    open_database,
)
from server.db.fields import MAX_ID, BaseModel, JSONField, is_id
from server.db.prepared import Prepared, instance, values_maker
from server.db.sqlite import SQLITE_PRAGMAS, QueuedSqliteDatabase

__all__ = [
    "MAX_ID",
    "SQLITE_PRAGMAS",
    "BaseModel",
    "JSONField",
    "PostgresPool",
    "Prepared",
    "QueuedSqliteDatabase",
    "connection_lost",
    "database",
    "discard_connection",
    "init_db",
    "instance",
    "is_id",
    "is_postgres",
    "values_maker",
    "open_database",
]
