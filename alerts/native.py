"""The clustering core compiled with mypyc, used when a build of the current sources exists.

The modules in ``MODULES`` are the plain, strictly typed Python of this package: every
report goes through them, and compiled they fold 1.2-1.3 times as many reports a second
(``benchmarks/bench_cluster.py``). ``make native`` (part of ``make install`` and ``make
test``) compiles them into ``build/native`` beside the package, with a manifest of each
source's SHA-256. At import, ``enable`` puts that build ahead of the sources only when every
digest matches, so an edited source is never shadowed by an old binary: it runs as Python
until the next build. ``ALERTS_NATIVE=0`` runs the sources whatever is built.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import sys
from pathlib import Path

__all__ = ["BUILD", "GROUP", "MODULES", "digests", "enable", "stale"]

# The clustering core and what it calls per report.
MODULES = (
    "models",
    "cluster_records",
    "geogrid",
    "cluster_policy",
    "cluster_words",
    "cluster_sketch",
    "sketches",
    "similarity",
    "cues",
    "cluster_places",
    "cluster_report",
    "cluster_match",
    "cluster",
    "eventindex",
)
GROUP = "alerts_native"  # the name of the build's shared library: alerts_native__mypyc
SOURCES = Path(__file__).resolve().parent
BUILD = SOURCES.parent / "build" / "native"


def digests(sources: Path = SOURCES) -> dict[str, str]:
    """Each compiled module's source digest, as the build's manifest records them."""
    return {m: hashlib.sha256((sources / f"{m}.py").read_bytes()).hexdigest() for m in MODULES}


def stale(build: Path = BUILD) -> str | None:
    """Why the build in ``build`` is not of the current sources for this Python, or None
    when it is (its manifest says; ``scripts/build_native.py`` writes it)."""
    try:
        manifest = json.loads((build / "manifest.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return "not compiled: make native"
    except (OSError, ValueError) as exc:
        return f"unreadable {build / 'manifest.json'}: {exc}"
    if manifest.get("python") != sys.implementation.cache_tag:
        return f"compiled for {manifest.get('python')}: make native"
    if manifest.get("digests") != digests():
        return "sources changed since the build: make native"
    return None


def enable(package_path: list[str], build: Path = BUILD, group: str = GROUP) -> str:
    """Put the build of ``build`` first on ``package_path`` (the package's ``__path__``) if
    it was made from the current sources by this Python and loads; says what runs, for the
    log. ``group``: the name of the build's shared library, less ``__mypyc``."""
    if os.environ.get("ALERTS_NATIVE", "1") == "0":
        return "Python (ALERTS_NATIVE=0)"
    why = stale(build)
    if why is not None:
        return f"Python ({why})"
    added = str(build) not in sys.path
    if added:
        sys.path.append(str(build))  # the shared library of the compiled modules
    try:  # a build copied from another machine may not load here: then run the sources
        importlib.import_module(f"{group}__mypyc")
    except ImportError as exc:
        if added:
            sys.path.remove(str(build))
        return f"Python (the build does not load: {exc})"
    package_path.insert(0, str(build / "alerts"))
    return f"compiled ({build})"
