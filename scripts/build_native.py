"""Compile the clustering core (``alerts.native.MODULES``) with mypyc into build/native.

    .venv/bin/python scripts/build_native.py [--force]

Does nothing when the build matches the sources. The manifest is written last, with the
digests read before compiling, so a failed build or a source edited meanwhile is not used.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile

from alerts import native


def build() -> None:
    """Compile every module of ``native.MODULES`` and write the manifest."""
    from mypyc.build import mypycify  # from mypy, installed with the "native" extra
    from setuptools import setup

    digests = native.digests()
    project = native.SOURCES.parent
    shutil.rmtree(native.BUILD, ignore_errors=True)
    with tempfile.TemporaryDirectory(prefix="alerts-native-") as work:
        # setuptools reads the pyproject.toml of the folder it runs in: not the project's.
        os.chdir(work)
        files = [str(native.SOURCES / f"{m}.py") for m in native.MODULES]
        config = ["--config-file", str(project / "pyproject.toml")]
        extensions = mypycify(
            [*config, *files], opt_level="3", group_name=native.GROUP, target_dir="c"
        )
        setup(
            name="alerts-native",
            ext_modules=extensions,
            script_args=["-q", "build_ext", "--build-lib", str(native.BUILD), "--build-temp", "o"],
        )
    manifest = {"python": sys.implementation.cache_tag, "digests": digests}
    (native.BUILD / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--force", action="store_true", help="build even if current")
    args = ap.parse_args()
    if native.stale() is None and not args.force:
        print(f"native: {native.BUILD} is current")
        return
    build()
    print(f"native: built {len(native.MODULES)} modules into {native.BUILD}")


if __name__ == "__main__":
    main()
