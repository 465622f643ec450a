"""Checking routes.yaml: every field read once, every problem one exact line.

``Checker.routing`` turns the parsed YAML into a :class:`alerts.routing.Routing`, collecting
problems such as ``config/routes.yaml: routes[2].match.min_severity: must be 0-5``;
:func:`alerts.routing.load_routing` raises them together as a ConfigError.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from alerts.models import Category, PlaceKind
from alerts.routing import (
    COUNTRY,
    DEFAULT_RADIUS,
    Reach,
    Receivers,
    Route,
    Routing,
    fold,
    world_regions,
)
from alerts.staff import parse_email, parse_language, parse_quiet, parse_timezone

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


class Checker:
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
            found[fold(str(name))] = frozenset(self.countries(codes, f"regions.{name}"))
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
            known = self.regions.get(fold(name)) or world_regions().get(fold(name))
            if known is None:
                names.append(fold(name))  # an administrative region: matched by place name
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
