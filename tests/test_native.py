"""The compiled clustering core (alerts/native.py): used only when built from the current
sources, and deciding exactly as the Python it is compiled from."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest

import alerts
from alerts import native


def _manifest(build: Path, digests: dict[str, str], python: str) -> None:
    build.mkdir(parents=True, exist_ok=True)
    (build / "manifest.json").write_text(json.dumps({"python": python, "digests": digests}))


def test_a_build_of_the_current_sources_goes_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ALERTS_NATIVE", raising=False)
    monkeypatch.setattr(sys, "path", list(sys.path))
    _manifest(tmp_path, native.digests(), sys.implementation.cache_tag)
    (tmp_path / "alerts_fake__mypyc.py").write_text("")  # the shared library, loadable
    path = ["/src/alerts"]
    try:
        assert native.enable(path, tmp_path, group="alerts_fake").startswith("compiled")
    finally:
        sys.modules.pop("alerts_fake__mypyc", None)
    assert path == [str(tmp_path / "alerts"), "/src/alerts"]


def test_a_build_that_does_not_load_here_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Copied from another machine, say: the sources run."""
    monkeypatch.delenv("ALERTS_NATIVE", raising=False)
    _manifest(tmp_path, native.digests(), sys.implementation.cache_tag)
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    (tmp_path / f"alerts_broken__mypyc{suffix}").write_bytes(b"not a shared library")
    path = ["/src/alerts"]
    status = native.enable(path, tmp_path, group="alerts_broken")
    assert status.startswith("Python (the build does not load: ")
    assert path == ["/src/alerts"] and str(tmp_path) not in sys.path


def test_an_edited_source_is_never_shadowed_by_an_old_build(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ALERTS_NATIVE", raising=False)
    edited = {**native.digests(), "cluster": "0" * 64}
    _manifest(tmp_path, edited, sys.implementation.cache_tag)
    path = ["/src/alerts"]
    assert native.enable(path, tmp_path) == "Python (sources changed since the build: make native)"
    assert path == ["/src/alerts"]


def test_a_build_for_another_python_or_none_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ALERTS_NATIVE", raising=False)
    path = ["/src/alerts"]
    assert native.enable(path, tmp_path) == "Python (not compiled: make native)"
    _manifest(tmp_path, native.digests(), "cpython-27")
    assert native.enable(path, tmp_path) == "Python (compiled for cpython-27: make native)"
    (tmp_path / "manifest.json").write_text("{not json")
    assert native.enable(path, tmp_path).startswith("Python (unreadable ")
    assert path == ["/src/alerts"]


def test_the_core_in_use_is_the_one_asked_for() -> None:
    """`make test` runs the suite compiled (ALERTS_REQUIRE_NATIVE=1), then as Python."""
    if os.environ.get("ALERTS_NATIVE") == "0":
        assert alerts.CORE == "Python (ALERTS_NATIVE=0)"
    elif os.environ.get("ALERTS_REQUIRE_NATIVE") == "1":
        assert alerts.CORE.startswith("compiled"), alerts.CORE
    else:
        pytest.skip(f"no core asked for; this run: {alerts.CORE}")


def _cluster(path: Path, compiled: bool) -> str:
    env = {**os.environ, "ALERTS_NATIVE": "1" if compiled else "0"}
    cmd = [sys.executable, "-m", "alerts.cli", "cluster", "--jsonl", str(path)]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, check=True).stdout


def test_compiled_and_python_cores_fold_clusters_dev_alike(shared_dir: Path) -> None:
    if not alerts.CORE.startswith("compiled"):
        pytest.skip(f"the core is not compiled in this run: {alerts.CORE}")
    path = shared_dir / "eval" / "clusters-dev.jsonl"
    compiled, python = _cluster(path, compiled=True), _cluster(path, compiled=False)
    assert compiled.count("\n") == len(path.read_text(encoding="utf-8").splitlines())
    assert compiled == python
