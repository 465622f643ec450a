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
