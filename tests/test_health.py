"""Feed-health decisions: one FAILING notice, one RECOVERED notice, and the stale flag."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from alerts.health import Notice, on_failure, on_success, stale
from alerts.store.feeds import FeedState

T0 = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)

NEW = FeedState("wire", "https://w.test/rss", "https://w.test/rss")  # never polled yet


def _fail_every_hour(record: FeedState, count: int) -> tuple[FeedState, list[Notice | None]]:
    notices = []
    for n in range(count):
        record, notice = on_failure(
            record, f"timeout {n}", T0 + n * HOUR, failures=3, span=6 * HOUR
        )
        notices.append(notice)
    return record, notices


def test_failing_is_sent_once_when_count_and_span_are_both_passed() -> None:
    record, notices = _fail_every_hour(NEW, 10)
    # 3 failures are reached at 2 h, but the span of 6 h only at the 7th failure (6 h).
    assert notices == [None] * 6 + [Notice.FAILING] + [None] * 3
    assert record.consecutive_failures == 10 and record.first_failure_at == T0
    assert record.last_error == "timeout 9" and record.last_error_at == T0 + 9 * HOUR


def test_many_quick_failures_do_not_notify_before_the_span() -> None:
    record = NEW
    for n in range(50):
        record, notice = on_failure(record, "x", T0 + n * timedelta(minutes=1))
        assert notice is None


def test_recovered_once_after_failing_and_counters_reset() -> None:
    record, _ = _fail_every_hour(NEW, 8)
    record, notice = on_success(record, T0 + 9 * HOUR, 20, new_items=2)
    assert notice is Notice.RECOVERED and str(notice) == "recovered"
    assert (record.consecutive_failures, record.first_failure_at) == (0, None)
    assert record.last_new_item == T0 + 9 * HOUR and record.items_seen == 20
    record, notice = on_success(record, T0 + 10 * HOUR)
    assert notice is None and record.items_seen == 20  # not modified keeps the count


def test_success_without_a_failing_notice_is_silent() -> None:
    record, _ = _fail_every_hour(NEW, 2)
    assert on_success(record, T0 + 3 * HOUR, 5)[1] is None


def test_a_new_failure_run_starts_a_new_span() -> None:
    record, _ = _fail_every_hour(NEW, 2)
    record, _ = on_success(record, T0 + 2 * HOUR)
    record, _ = on_failure(record, "again", T0 + 30 * HOUR)
    assert record.first_failure_at == T0 + 30 * HOUR and record.consecutive_failures == 1


@pytest.mark.parametrize(
    ("last_new", "expected"),
    [(T0 - 2 * HOUR, None), (T0 - 30 * HOUR, "nothing new for 30.0 h"), (None, None)],
)
def test_stale_when_nothing_new_for_longer_than_expected(
    last_new: datetime | None, expected: str | None
) -> None:
    record = replace(NEW, last_new_item=last_new)
    reason = stale(record, T0, timedelta(hours=24))
    assert reason == expected if expected is None else (reason or "").startswith(expected)


def test_stale_falls_back_on_first_seen() -> None:
    record = replace(NEW, last_success=T0)
    reason = stale(record, T0, timedelta(days=2), first_seen=T0 - timedelta(days=5))
    assert (reason or "").startswith("nothing new for 5.0 d")
