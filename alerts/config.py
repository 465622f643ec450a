"""Officer files -> one validated ``Config``, or every problem as 'file: field: what is wrong'.

The config folder holds alerts.yaml (settings), feeds.yaml, staff.yaml, routes.yaml and
rules.yaml. All are checked at once so an officer sees every mistake in one run of
``alerts check-config``; the service refuses to start while any remains.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from alerts.cluster import ClusterPolicy
from alerts.errors import ConfigError
from alerts.models import Person, Segment, Whereabouts
from alerts.routing import Routing, load_routing
from alerts.rules import Rules, default_rules, load_rules
from alerts.settings import Settings
from alerts.staff import load_staff


class FeedConfig(BaseModel):
    """One feed an officer added to feeds.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1, max_length=200)
    url: str
    interval_minutes: float | None = Field(default=None, gt=0)
    region: str | None = None  # ISO country codes the feed mostly covers: a weak prior
    source_name: str = ""
    enabled: bool = True
    max_age_hours: float | None = Field(default=None, gt=0)
    expected_period_hours: float = Field(default=48, gt=0)  # silent longer -> stale

    @field_validator("url")
    @classmethod
    def _http(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http:// or https:// URL")
        return value

    @property
    def outlet(self) -> str:
        """The name shown as the source of this feed's reports."""
        return self.source_name or self.name


class FeedsFile(BaseModel):
    """The shape of feeds.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    feeds: list[FeedConfig] = Field(default_factory=list)

    @field_validator("feeds")
    @classmethod
    def _unique(cls, value: list[FeedConfig]) -> list[FeedConfig]:
        names = [f.name for f in value]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"duplicate feed names: {', '.join(dupes)}")
        return value


@dataclass(frozen=True)
class Config:
    """Everything the officers configured, validated."""

    folder: Path
    settings: Settings
    feeds: tuple[FeedConfig, ...]
    rules: Rules
    routing: Routing
    people: tuple[Person, ...]
    segments: tuple[Segment, ...]
    cluster_policy: ClusterPolicy


Resolver = Callable[[str], Whereabouts | None]
T = TypeVar("T")


def load_config(folder: Path, resolve: Resolver) -> Config:
    """Load and check every officer file in ``folder``; raise ConfigError listing all problems."""
    problems: list[str] = []
    settings = _settings(folder / "alerts.yaml", problems)
    feeds = _feeds(folder / "feeds.yaml", problems)
    rules = _collect(problems, lambda: _rules(folder / "rules.yaml"))
    routing = _collect(problems, lambda: _routing(folder / "routes.yaml"))
    people, segments = _staff(folder / "staff.yaml", resolve, problems)
    policy = _policy(settings, folder / "alerts.yaml", problems)
    if problems or settings is None or rules is None or routing is None or policy is None:
        raise ConfigError(problems)
    return Config(folder, settings, tuple(feeds), rules, routing, people, segments, policy)


def read_yaml(path: Path, problems: list[str]) -> dict[str, Any]:
    """A YAML mapping from ``path``; {} when the file is absent; problems name the file."""
    if not path.exists():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        problems.append(f"{path}: cannot read: {exc}".replace("\n", " "))
        return {}
    if data is None:
        return {}
    if not isinstance(data, dict):
        problems.append(f"{path}: top level must be a mapping, not {type(data).__name__}")
        return {}
    return data


def pydantic_problems(path: Path, exc: ValidationError) -> list[str]:
    """One 'file: field.path[2]: message' line per pydantic error."""
    lines = []
    for err in exc.errors():
        field = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in err["loc"])
        lines.append(f"{path}: {field.lstrip('.') or '(top level)'}: {err['msg']}")
    return lines


def _settings(path: Path, problems: list[str]) -> Settings | None:
    data = read_yaml(path, problems)
    if isinstance(data.get("smtp"), dict) and "password" in data["smtp"]:
        problems.append(
            f"{path}: smtp.password: secrets may not be kept in config files; "
            "set ALERTS_SMTP__PASSWORD or ALERTS_SMTP__PASSWORD_FILE"
        )
        data["smtp"] = {k: v for k, v in data["smtp"].items() if k != "password"}
    try:
        return Settings(**data)
    except ValidationError as exc:
        problems.extend(pydantic_problems(Path(f"{path} (or ALERTS_* environment)"), exc))
        return None


def _feeds(path: Path, problems: list[str]) -> list[FeedConfig]:
    try:
        return FeedsFile(**read_yaml(path, problems)).feeds
    except ValidationError as exc:
        problems.extend(pydantic_problems(path, exc))
        return []


def _rules(path: Path) -> Rules:
    return load_rules(path) if path.exists() else default_rules()


def _routing(path: Path) -> Routing:
    return load_routing(path) if path.exists() else Routing.default()


def _staff(
    path: Path, resolve: Resolver, problems: list[str]
) -> tuple[tuple[Person, ...], tuple[Segment, ...]]:
    if not path.exists():
        return (), ()
    staff = load_staff(path, resolve)
    problems.extend(staff.problems)
    return tuple(staff.people), tuple(staff.segments)


def _policy(settings: Settings | None, path: Path, problems: list[str]) -> ClusterPolicy | None:
    try:
        return ClusterPolicy.from_mapping(settings.clustering if settings else {})
    except ValueError as exc:
        problems.append(f"{path}: clustering: {exc}")
        return None


def _collect(problems: list[str], load: Callable[[], T]) -> T | None:
    try:
        return load()
    except ConfigError as exc:
        problems.extend(exc.problems)
        return None
