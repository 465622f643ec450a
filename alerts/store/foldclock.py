"""The fold clock: one row that every transaction folding reports into events advances.

Two things hang on it when several instances share one database:

- **Order.** Advancing the clock is the transaction's first write to it, and the row stays
  locked until commit (PostgreSQL's row lock; SQLite's single writer does the same), so
  folding transactions run one after the other. Two reports of one incident read by two
  instances join one event instead of making two.
- **Freshness.** An instance keeps its open events in memory between polls. They are still
  the database's when the clock reads one past the value this instance's own last folding
  transaction committed; otherwise another instance folded in between and the instance
  reloads them, inside the locked transaction, so it sees everything committed before.
"""

from __future__ import annotations

from sqlalchemy import Connection, select, update

from alerts.store.schema import fold_clock

__all__ = ["advance", "read"]

_ADVANCE = (
    update(fold_clock)
    .where(fold_clock.c.id == 1)
    .values(epoch=fold_clock.c.epoch + 1)
    .returning(fold_clock.c.epoch)
)
_READ = select(fold_clock.c.epoch).where(fold_clock.c.id == 1)


def advance(conn: Connection) -> int:
    """Advance the clock in this transaction, waiting for any other folding transaction to
    end; returns the new value."""
    return int(conn.execute(_ADVANCE).scalar_one())


def read(conn: Connection) -> int:
    """The clock's value, without advancing it or waiting."""
    return int(conn.execute(_READ).scalar_one())
