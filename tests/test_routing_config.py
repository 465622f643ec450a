"""routes.yaml: the example loads, mistakes are named by file and field."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from alerts.errors import ConfigError
from alerts.models import Category, PlaceKind
from alerts.routing import COUNTRY, Routing, load_routing, world_regions

EXAMPLE = Path(__file__).resolve().parents[1] / "config" / "routes.yaml"


def load(tmp_path: Path, text: str) -> Routing:
    path = tmp_path / "routes.yaml"
    path.write_text(text, encoding="utf-8")
    return load_routing(path)


def problems(tmp_path: Path, text: str) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load(tmp_path, text)
    prefix = f"{tmp_path / 'routes.yaml'}: "
    assert all(p.startswith(prefix) for p in caught.value.problems)
    return [p.removeprefix(prefix) for p in caught.value.problems]


def test_the_example_file_loads() -> None:
    routing = load_routing(EXAMPLE)
    sahel = routing.routes[0]
    assert (sahel.name, sahel.countries, sahel.min_severity, sahel.mode, sahel.continue_) == (
        "sahel-desk",
        frozenset({"ML", "BF", "NE"}),
        3,
        "immediate",
        True,
    )
    assert sahel.receivers.addresses == ("sahel-desk@example.org",)
    assert routing.routes[1].region_countries == frozenset({"ML", "BF", "NE", "TD", "MR"})
    assert routing.reach(PlaceKind.CITY, 4) == 350.0
    assert routing.reach(PlaceKind.COUNTRY, 3) == COUNTRY
    assert routing.reach(PlaceKind.COUNTRY, 2) is None
    assert routing.relevance == timedelta(days=7)
    assert routing.quiet_hours == (22, 7)


def test_defaults_without_a_file(tmp_path: Path) -> None:
    default = Routing.default()
    assert default.routes == () and default.default_route is None
    assert default.reach(PlaceKind.CITY, 2) == 50.0
    assert default.reach(PlaceKind.CITY, 5) == COUNTRY
    assert load(tmp_path, "") == default


def test_world_regions_expand_to_countries(tmp_path: Path) -> None:
    assert "ML" in world_regions()["africa"]
    routing = load(
        tmp_path, "routes:\n  - name: x\n    match: {regions: [Sub-Saharan Africa, Mopti]}\n"
    )
    node = routing.routes[0]
    assert "KE" in node.region_countries and "FR" not in node.region_countries
    assert node.regions == ("mopti",)  # not a set of countries: matched as a place name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "routes:\n  - {name: a}\n  - {name: b}\n  - name: c\n    match: {min_severity: 7}\n",
            ["routes[2].match.min_severity: must be 0-5"],
        ),
        (
            "routes:\n  - name: a\n    match: {countries: [Mali, ml]}\n",
            [
                "routes[0].match.countries[0]: 'Mali' is not an ISO 3166 code such as ML",
                "routes[0].match.countries[1]: 'ml' is not an ISO 3166 code such as ML",
            ],
        ),
        (
            "routes:\n  - name: a\n    match: {categories: [terror]}\n",
            [
                "routes[0].match.categories[0]: unknown category 'terror' (one of "
                + ", ".join(c.value for c in Category)
                + ")"
            ],
        ),
        (
            "routes:\n  - name: a\n    mode: weekly\n    digest_hours: [8, 25]\n",
            [
                "routes[0].mode: must be immediate or digest",
                "routes[0].digest_hours[1]: must be 0-23",
            ],
        ),
        (
            "routes:\n  - name: a\n    receivers:\n"
            '      addresses: ["x@example.org\\nBcc: y@evil.org"]\n',
            ["routes[0].receivers.addresses[0]: bad email 'x@example.org\\nBcc: y@evil.org'"],
        ),
        (
            "routes:\n  - name: a\n    timezone: Mars/Base\n    continue: yes-please\n",
            [
                "routes[0].timezone: unknown time zone 'Mars/Base'",
                "routes[0].continue: must be true or false",
            ],
        ),
        (
            "routes:\n  - match: {}\n    routes:\n      - {name: b, colour: red}\n",
            [
                "routes[0].name: every route needs a name",
                "routes[0].routes[0].colour: unknown field",
            ],
        ),
        (
            "radius_km:\n  city: {2: 50, 9: 10, 3: far}\n  town: {}\n",
            [
                "radius_km.town: unknown field",
                "radius_km.city.9: severity must be 0-5",
                "radius_km.city.3: must be km (a number >= 0) or 'country'",
            ],
        ),
        (
            "quiet_hours: [22]\nrelevance_days: -1\nrouting: {}\n",
            [
                "routing: unknown field",
                "relevance_days: must be 0-365",
                "quiet_hours: quiet hours must be [START, END] hours, e.g. [22, 7]",
            ],
        ),
        (
            "groups:\n  desk: [nobody]\nregions:\n  sahel: [XX1]\n",
            [
                "regions.sahel[0]: 'XX1' is not an ISO 3166 code such as ML",
                "groups.desk[0]: bad email 'nobody'",
            ],
        ),
        ("routes: {name: a}\n", ["routes: must be a list of routes"]),
        ("- a\n- b\n", ["(top): must be a mapping"]),
    ],
)
def test_problems_name_file_and_field(tmp_path: Path, text: str, expected: list[str]) -> None:
    assert problems(tmp_path, text) == expected


def test_unreadable_yaml(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load(tmp_path, "routes: [\n")
