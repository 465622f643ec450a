"""Outbox queries on real SQLite, and on PostgreSQL when ALERTS_TEST_POSTGRES_URL is set."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from alerts.models import ChangeReason, Message
from alerts.store import outbox

NOW = datetime(2026, 9, 23, 6, 30, tzinfo=UTC)
LEASE = timedelta(minutes=2)


def message(n: int, recipient: str = "a@example.org", revision: int = 1) -> Message:
    return Message(
        event_id=f"ev-{n}", revision=revision, recipient=recipient, reason=ChangeReason.NEW,
        subject=f"[SEV 4 HIGH] event {n}", message_id=f"<ev-{n}.r{revision}.x@example.org>",
        raw=b"Subject: x\r\n\r\nbody\r\n",
    )  # fmt: skip


def test_enqueue_is_idempotent(engine: Engine) -> None:
    with engine.begin() as conn:
        assert outbox.enqueue(conn, message(1), NOW) is True
        assert outbox.enqueue(conn, message(1), NOW + timedelta(hours=1)) is False
        assert outbox.enqueue(conn, message(1, revision=2), NOW) is True
        assert outbox.enqueue(conn, message(1, recipient="b@example.org"), NOW) is True
        rows = outbox.list_rows(conn, "pending")
    assert len(rows) == 3
    assert rows[0].raw == message(1).raw and rows[0].reason is ChangeReason.NEW
    assert rows[0].next_attempt_at == NOW and rows[0].attempts == 0


def test_claim_takes_due_rows_once_per_lease(engine: Engine) -> None:
    with engine.begin() as conn:
        for n in range(5):
            outbox.enqueue(conn, message(n), NOW + timedelta(seconds=n))
        outbox.enqueue(conn, message(9), NOW, not_before=NOW + timedelta(hours=8))  # quiet hours
    with engine.begin() as conn:
        first = outbox.claim(conn, NOW + timedelta(seconds=10), "a", 3, LEASE)
        second = outbox.claim(conn, NOW + timedelta(seconds=10), "b", 10, LEASE)
        third = outbox.claim(conn, NOW + timedelta(seconds=11), "c", 10, LEASE)
    assert [r.event_id for r in first] == ["ev-0", "ev-1", "ev-2"]
    assert [r.event_id for r in second] == ["ev-3", "ev-4"]
    assert third == []
    assert {r.claimed_by for r in first} == {"a"} and {r.attempts for r in first} == {1}
    with engine.begin() as conn:  # the lease ran out: the rows are someone else's to send
        again = outbox.claim(conn, NOW + LEASE + timedelta(seconds=11), "d", 10, LEASE)
    assert len(again) == 5 and {r.attempts for r in again} == {2}
    with engine.begin() as conn:
        held = outbox.claim(conn, NOW + timedelta(hours=8), "e", 10, LEASE)
    assert "ev-9" not in {r.event_id for r in first + second + again}
    assert "ev-9" in {r.event_id for r in held}


def test_sent_rows_are_never_claimed_again(engine: Engine) -> None:
    with engine.begin() as conn:
        outbox.enqueue(conn, message(1), NOW)
        [row] = outbox.claim(conn, NOW, "a", 10, LEASE)
        outbox.mark_sent(conn, row.id, NOW)
        assert outbox.claim(conn, NOW + timedelta(days=1), "a", 10, LEASE) == []
        [sent] = outbox.list_rows(conn, "sent")
    assert sent.sent_at == NOW and sent.claimed_by is None


def test_a_round_of_rows_is_marked_sent_at_once(engine: Engine) -> None:
    with engine.begin() as conn:
        for n in range(4):
            outbox.enqueue(conn, message(n), NOW)
        rows = outbox.claim(conn, NOW, "a", 10, LEASE)
        outbox.mark_sent(conn, [r.id for r in rows[:3]], NOW)
        outbox.mark_sent(conn, [], NOW)  # an empty round writes nothing
        assert [r.event_id for r in outbox.list_rows(conn, "sent")] == ["ev-0", "ev-1", "ev-2"]
        assert [r.event_id for r in outbox.list_rows(conn, "pending")] == ["ev-3"]


def test_retry_backs_off_with_jitter_then_dies(engine: Engine) -> None:
    with engine.begin() as conn:
        outbox.enqueue(conn, message(1), NOW)
    when, waits = NOW, []
    for attempt in range(1, 5):
        with engine.begin() as conn:
            [row] = outbox.claim(conn, when, "a", 10, LEASE)
            assert row.attempts == attempt
            assert (
                outbox.mark_retry(conn, row.id, when, "451 try later", row.attempts, rand=0.5)
                == "pending"
            )
            [after] = outbox.list_rows(conn, "pending")
        waits.append(after.next_attempt_at - when)
        when = after.next_attempt_at
    assert waits == [
        timedelta(seconds=45),
        timedelta(seconds=90),
        timedelta(seconds=180),
        timedelta(seconds=360),
    ]
    assert after.last_error == "451 try later"
    with engine.begin() as conn:
        [row] = outbox.claim(conn, when, "a", 10, LEASE)
        assert (
            outbox.mark_retry(conn, row.id, when, "451 again", row.attempts, max_attempts=5)
            == "dead"
        )
        [dead] = outbox.list_rows(conn, "dead")
    assert dead.last_error is not None and "451 again" in dead.last_error


def test_server_outages_do_not_use_up_attempts(engine: Engine) -> None:
    with engine.begin() as conn:
        outbox.enqueue(conn, message(1), NOW)
    when = NOW
    for _ in range(30):  # far more tries than max_attempts: an outage of hours
        with engine.begin() as conn:
            [row] = outbox.claim(conn, when, "a", 10, LEASE)
            status = outbox.mark_retry(
                conn, row.id, when, "connection refused", row.attempts, counted=False, rand=0.99
            )
            assert status == "pending"
            [after] = outbox.list_rows(conn, "pending")
        assert after.attempts == 0
        assert after.next_attempt_at - when < outbox.OUTAGE_CAP
        when = after.next_attempt_at


def test_backoff_is_capped_and_jittered() -> None:
    assert outbox.backoff(1, 0.0) == timedelta(seconds=30)
    assert outbox.backoff(1, 0.999) < timedelta(minutes=1)
    assert outbox.backoff(200, 0.0) == timedelta(hours=3)
    assert outbox.backoff(200, 1.0) == timedelta(hours=6)


def test_dead_rows_are_listed_and_requeued(engine: Engine) -> None:
    with engine.begin() as conn:
        outbox.enqueue(conn, message(1), NOW)
        outbox.enqueue(conn, message(2), NOW)
        [row, _] = outbox.claim(conn, NOW, "a", 10, LEASE)
        outbox.mark_dead(conn, row.id, NOW, "550 5.1.1 no such user")
        [dead] = outbox.list_rows(conn, "dead")
        assert dead.last_error == "550 5.1.1 no such user"
        assert outbox.requeue(conn, dead.id, NOW + timedelta(minutes=1)) is True
        assert outbox.requeue(conn, 999_999, NOW) is False
        [again] = outbox.claim(conn, NOW + timedelta(minutes=1), "b", 10, LEASE)
    assert again.id == dead.id and again.attempts == 1


def test_release_gives_back_untried_rows(engine: Engine) -> None:
    with engine.begin() as conn:
        outbox.enqueue(conn, message(1), NOW)
        [row] = outbox.claim(conn, NOW, "a", 10, LEASE)
        outbox.release(conn, [row.id], "someone-else")
        assert outbox.claim(conn, NOW, "b", 10, LEASE) == []
        outbox.release(conn, [row.id], "a")
        [again] = outbox.claim(conn, NOW, "b", 10, LEASE)
    assert again.attempts == 1


def test_concurrent_claims_skip_locked_rows(postgres_engine: Engine) -> None:
    engine = postgres_engine
    with engine.begin() as conn:
        for n in range(10):
            outbox.enqueue(conn, message(n), NOW)
    with engine.connect() as one, engine.connect() as two:
        mine = outbox.claim(one, NOW, "a", 4, LEASE)  # transaction still open: rows locked
        theirs = outbox.claim(two, NOW, "b", 10, LEASE)
        one.commit()
        two.commit()
    assert len(mine) == 4 and len(theirs) == 6
    assert not {r.id for r in mine} & {r.id for r in theirs}
