"""Distances on the globe and a grid of 1-degree cells to find what is near a point.

Shared by the roster's spatial index and the local time-zone lookup. A cell is one
integer, ``(row + 90) * 360 + column``, for the cell whose south-west corner is at
(row, column - 180) degrees; integer keys hash faster than (row, column) tuples.
"""

from __future__ import annotations

import math

EARTH_KM = 6371.0088
KM_PER_DEG = math.pi * EARTH_KM / 180.0


def km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_KM * math.asin(min(1.0, math.sqrt(a)))


def cell(lat: float, lon: float) -> int:
    """The cell that holds (lat, lon); latitude 90 belongs to the top row."""
    return (min(89, math.floor(lat)) + 90) * 360 + (math.floor(lon) + 180) % 360


def cells(lat: float, lon: float, radius: float) -> list[int]:
    """The cells that hold every point within ``radius`` km of (lat, lon), once each."""
    dlat = radius / KM_PER_DEG
    south, north = max(-90.0, lat - dlat), min(90.0, lat + dlat)
    widest = max(abs(south), abs(north))
    # Near a pole, or for a huge radius, every longitude is in reach.
    if widest >= 89.0 or radius / (KM_PER_DEG * math.cos(math.radians(widest))) >= 180:
        columns = range(360)
    else:
        dlon = radius / (KM_PER_DEG * math.cos(math.radians(widest)))
        first, last = math.floor(lon - dlon), math.floor(lon + dlon)
        columns = range(first, last + 1) if last - first < 360 else range(360)
    wrapped = sorted({(c + 180) % 360 for c in columns})
    rows = range(math.floor(south) + 90, min(89, math.floor(north)) + 91)
    return [r * 360 + c for r in rows for c in wrapped]


def unit(lat: float, lon: float) -> tuple[float, float, float]:
    """The point as a unit vector: the squared chord between two of them orders distances
    like the great circle does, with no trigonometry per comparison."""
    p, q = math.radians(lat), math.radians(lon)
    return math.cos(p) * math.cos(q), math.cos(p) * math.sin(q), math.sin(p)
