"""The officers' commands, run through the real CLI on the example config."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from alerts.cli import main
from alerts.models import (
    Category,
    ChangeReason,
    Event,
    Message,
    Place,
    PlaceKind,
    Signal,
    Source,
)
from alerts.store import outbox, records
from alerts.store.db import connect, upgrade

REPO = Path(__file__).resolve().parents[1]
AT = "2026-11-28T06:00:00+00:00"  # Sofia's trip to Bamako starts within the week


@pytest.fixture
def config(tmp_path: Path) -> Path:
    folder = tmp_path / "config"
    shutil.copytree(REPO / "config", folder)
    settings = yaml.safe_load((folder / "alerts.yaml").read_text())
    settings["database"]["url"] = f"sqlite:///{tmp_path / 'alerts.db'}"
    (folder / "alerts.yaml").write_text(yaml.safe_dump(settings))
    return folder


def _route_test(config: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    args = [
        "--config",
        str(config),
        "route-test",
        "--place",
        "Bamako",
        "--severity",
        "4",
        "--category",
        "terrorism",
        "--at",
        AT,
        "--json",
    ]
    assert main(args) == 0
    return {r["email"]: r["why"] for r in json.loads(capsys.readouterr().out)}


def test_route_test_names_who_and_why(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    who = _route_test(config, capsys)
    assert sorted(who) == [
        "amina.diallo@example.org",
        "sahel-desk@example.org",
        "sofia.lopez@example.org",
    ]
    assert "route sahel-desk" in who["sahel-desk@example.org"]
    assert "arrive in Bamako" in who["sofia.lopez@example.org"]


def test_staff_import_reports_bad_rows_and_is_idempotent(
    config: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = tmp_path / "people.csv"
    csv.write_text(
        "email,name,language,home,timezone\n"
        "omar.traore@example.org,Omar Traore,fr,Bamako,Africa/Bamako\n"
        "not-an-email,Bad Row,en,Bamako,UTC\n"
        "lost@example.org,Lost,en,Qwertyvale,UTC\n"
        "omar.traore@example.org,Omar Again,fr,Bamako,Africa/Bamako\n"
    )
    for _ in range(2):
        assert main(["--config", str(config), "staff", "import", str(csv)]) == 1
        err = capsys.readouterr().err
        assert "people.csv:3" in err and "people.csv:4" in err and "Qwertyvale" in err
        assert "people.csv:5" in err  # the duplicate person
    who = _route_test(config, capsys)
    assert "omar.traore@example.org" in who and "lost@example.org" not in who


def _bamako_event() -> Event:
    t = datetime(2026, 11, 28, 5, 0, tzinfo=UTC)
    return Event(
        id="ev-preview",
        headline="Attack near Bamako airport; airport closed",
        category=Category.TERRORISM,
        severity=4,
        max_severity=4,
        signals=frozenset({Signal.AIRPORT_CLOSED, Signal.LIMIT_MOVEMENT}),
        countries=("ML",),
        places=(Place("Bamako", "ML", 12.65, -8.0, PlaceKind.CITY),),
        first_seen=t,
        last_seen=t,
        sources=(Source("wire", "https://wire.test/1", "Attack", t),),
        revision=1,
    )


def test_preview_and_outbox_commands(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    settings = yaml.safe_load((config / "alerts.yaml").read_text())
    engine = connect(settings["database"]["url"])
    upgrade(engine)
    with engine.begin() as conn:
        records.save_event(conn, _bamako_event())
        outbox.enqueue(
            conn,
            Message(
                "ev-preview",
                1,
                "x@example.org",
                ChangeReason.NEW,
                "[SEV 4 HIGH] Mali, Bamako",
                "<m@x>",
                b"raw",
            ),
            datetime(2026, 11, 28, tzinfo=UTC),
        )
        (row,) = outbox.list_rows(conn)
        outbox.mark_dead(conn, row.id, datetime(2026, 11, 28, tzinfo=UTC), "550 no such user")
    engine.dispose()

    assert (
        main(
            [
                "--config",
                str(config),
                "preview",
                "--event",
                "ev-preview",
                "--to",
                "amina.diallo@example.org",
            ]
        )
        == 0
    )
    mail = capsys.readouterr().out
    assert "Subject: [SEV 4" in mail and "Bamako" in mail
    assert main(["--config", str(config), "preview", "--event", "nope", "--to", "a@b.c"]) == 1

    assert main(["--config", str(config), "outbox"]) == 0
    listing = capsys.readouterr().out
    assert "dead" in listing and "550 no such user" in listing
    assert main(["--config", str(config), "outbox", "retry", str(row.id)]) == 0
    assert main(["--config", str(config), "outbox"]) == 0
    assert "pending" in capsys.readouterr().out


def test_prune_forgets_dead_mail_past_the_retention(
    config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = yaml.safe_load((config / "alerts.yaml").read_text())
    engine = connect(settings["database"]["url"])
    upgrade(engine)
    then = datetime(2025, 1, 10, tzinfo=UTC)
    with engine.begin() as conn:
        message = Message("ev-old", 1, "x@example.org", ChangeReason.NEW, "s", "<m@x>", b"raw")
        outbox.enqueue(conn, message, then)
        (row,) = outbox.list_rows(conn)
        outbox.mark_dead(conn, row.id, then, "550 no such user")
    engine.dispose()
    assert main(["--config", str(config), "prune", "--now", "2026-01-01T00:00:00Z"]) == 0
    assert "mail=0" in capsys.readouterr().out  # 356 days: within the default 365
    assert main(["--config", str(config), "prune", "--now", "2026-02-01T00:00:00Z"]) == 0
    assert "mail=1" in capsys.readouterr().out
