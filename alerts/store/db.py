"""Engines for SQLite (WAL, the default) and PostgreSQL, and the schema upgrade on start."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table, create_engine, event, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.pool import ConnectionPoolEntry

from alerts.errors import StoreError

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

# Alembic's ``op`` and ``context`` are process-wide: one upgrade at a time in a process.
_UPGRADING = threading.Lock()
# Across processes, instances started together on PostgreSQL take turns on this lock (an
# arbitrary key, the same in every release); the second then finds the schema current.
_UPGRADE_LOCK = 0x616C657274730001


def connect(url: str) -> Engine:
    """An engine for ``url``; SQLite files get WAL, a busy timeout and foreign keys.

    ``postgresql://`` URLs use psycopg 3. A SQLite file's folder is created if missing.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True, future=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, future=True, connect_args={"timeout": 30})
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_conn: Any, _record: ConnectionPoolEntry) -> None:
    # WAL lets the scheduler's poll and flush jobs read while the other writes.
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def conflict_insert(dialect: str, table: Table) -> postgresql.Insert | sqlite.Insert:
    """An INSERT that takes ON CONFLICT clauses, for the backend named ``dialect``."""
    return postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)


def upgrade(engine: Engine) -> None:
    """Bring the schema to the newest migration (run on every start; a no-op when current)."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    try:
        with _UPGRADING, engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _UPGRADE_LOCK})
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    except Exception as exc:  # driver errors are translated here, once
        raise StoreError(f"schema upgrade failed on {engine.url!r}: {exc}") from exc
