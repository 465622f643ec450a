"""Shared fixtures: the ../shared folder (skipped with a reason where it is absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The shared folder beside the checkout; tests that need it skip when it is absent."""
    if not (SHARED / "eval" / "GUIDE.md").is_file():
        pytest.skip(f"../shared not found at {SHARED}: real feeds and eval sets are absent")
    return SHARED


import os  # noqa: E402
import uuid  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from contextlib import contextmanager  # noqa: E402

from sqlalchemy import Engine, create_engine, text  # noqa: E402

from alerts.store.db import connect, upgrade  # noqa: E402

PG_URL = os.environ.get("ALERTS_TEST_POSTGRES_URL")


@contextmanager
def _postgres_schema() -> Iterator[str]:
    """A URL for a fresh PostgreSQL schema, dropped afterwards, so tests never share rows."""
    if not PG_URL:
        pytest.skip("ALERTS_TEST_POSTGRES_URL is not set (.ci/run sets it)")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://", 1))
    with admin.begin() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


@contextmanager
def _migrated(url: str) -> Iterator[Engine]:
    engine = connect(url)
    upgrade(engine)
    try:
        yield engine
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh database: a SQLite file, and PostgreSQL when ALERTS_TEST_POSTGRES_URL is set."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'alerts.db'}"
        return
    with _postgres_schema() as url:
        yield url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """A migrated database on each backend of ``database_url``."""
    with _migrated(database_url) as eng:
        yield eng


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A fresh PostgreSQL schema's URL (skipped without ALERTS_TEST_POSTGRES_URL)."""
    with _postgres_schema() as url:
        yield url


@pytest.fixture
def postgres_engine() -> Iterator[Engine]:
    """A migrated PostgreSQL database (skipped without ALERTS_TEST_POSTGRES_URL)."""
    with _postgres_schema() as url, _migrated(url) as eng:
        yield eng
