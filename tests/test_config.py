"""Officer files: environment overrides, secrets only from the environment, exact problems."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from alerts.cli import main
from alerts.config import load_config
from alerts.errors import ConfigError
from alerts.models import Whereabouts
from alerts.settings import Settings

PLACES = {"bamako": Whereabouts("Bamako", "ML", 12.65, -8.0)}


def _resolve(name: str) -> Whereabouts | None:
    return PLACES.get(name.lower())


def _write(folder: Path, **files: object) -> Path:
    folder.mkdir(exist_ok=True)
    for name, data in files.items():
        (folder / f"{name}.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    return folder


def test_environment_overrides_yaml_with_nested_names(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ALERTS_SMTP__HOST", "mail.example.org")
    monkeypatch.setenv("ALERTS_DATABASE__URL", "postgresql://db/alerts")
    monkeypatch.setenv("ALERTS_SMTP__PASSWORD", "s3cret")
    s = Settings(smtp={"host": "yaml-host", "port": 2525})
    assert (s.smtp.host, s.smtp.port, s.database.url) == (
        "mail.example.org",
        2525,
        "postgresql://db/alerts",
    )
    assert s.smtp.secret() == "s3cret"
    assert "s3cret" not in repr(s) and "s3cret" not in str(s.model_dump())


def test_password_file_is_read_when_no_variable(tmp_path: Path) -> None:
    secret = tmp_path / "pw"
    secret.write_text("from-file\n")
    assert Settings(smtp={"password_file": str(secret)}).smtp.secret() == "from-file"


def test_every_problem_names_file_and_field(tmp_path: Path) -> None:
    folder = _write(
        tmp_path / "cfg",
        alerts={"smtp": {"port": 0, "password": "x"}, "polling": {"interval_minutes": -1}},
        feeds={"feeds": [{"name": "a", "url": "ftp://x"}, {"name": "b"}]},
    )
    with pytest.raises(ConfigError) as err:
        load_config(folder, _resolve)
    text = "\n".join(err.value.problems)
    assert "alerts.yaml: smtp.password: secrets may not be kept in config files" in text
    assert "smtp.port" in text and "polling.interval_minutes" in text
    assert "feeds.yaml: feeds[0].url: Value error, must be an http:// or https:// URL" in text
    assert "feeds.yaml: feeds[1].url: Field required" in text


def test_unreadable_yaml_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "cfg"
    folder.mkdir()
    (folder / "feeds.yaml").write_text("feeds: [unclosed\n")
    with pytest.raises(ConfigError, match=r"feeds.yaml: cannot read"):
        load_config(folder, _resolve)


def test_check_config_command_exit_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    good = _write(tmp_path / "good", feeds={"feeds": [{"name": "a", "url": "https://a.test/"}]})
    assert main(["--config", str(good), "check-config"]) == 0
    assert "OK (1 feeds" in capsys.readouterr().out
    bad = _write(
        tmp_path / "bad",
        feeds={
            "feeds": [
                {"name": "a", "url": "https://a.test/"},
                {"name": "a", "url": "https://b.test/"},
            ]
        },
    )
    assert main(["--config", str(bad), "check-config"]) == 2
    assert "duplicate feed names: a" in capsys.readouterr().err
