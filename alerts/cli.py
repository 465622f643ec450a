"""The ``alerts`` command: thin shells over ``app`` and the stages (see ``alerts --help``)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from alerts import commands
from alerts.errors import AlertsError, ConfigError

DEFAULT_CONFIG = Path(os.environ.get("ALERTS_CONFIG", "config"))


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="alerts", description=__doc__)
    p.add_argument(
        "--config",
        type=Path,
        default=DEFAULT_CONFIG,
        help="the officers' config folder (default: $ALERTS_CONFIG or ./config)",
    )
    p.add_argument("-v", "--verbose", action="store_true", help="log debug detail")
    sub = p.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def cmd(
        name: str, fn: Callable[[argparse.Namespace], int], help_: str
    ) -> argparse.ArgumentParser:
        sp = sub.add_parser(
            name,
            help=help_,
            description=fn.__doc__,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sp.set_defaults(fn=fn)
        return sp

    cmd("run", commands.run, "run the service (poll and flush on a schedule)")
    sp = cmd("run-once", commands.run_once, "one poll and one flush, then exit (cron, tests)")
    sp.add_argument("--now", help="ISO time to use as now (default: the clock)")
    sp = cmd("prune", commands.prune, "forget old items and mail now (retention settings)")
    sp.add_argument("--now", help="ISO time to use as now (default: the clock)")
    sp = cmd("demo", commands.demo, "the whole pipeline on bundled feeds, offline")
    sp.add_argument("--out", type=Path, default=Path("demo-out"), help="where .eml files go")
    sp = cmd("classify", commands.classify, "locate and assess a text or a JSONL file")
    sp.add_argument("text", nargs="?", help="the text of one item")
    sp.add_argument("--jsonl", type=Path, help="a file of {id, title, summary} lines")
    sp.add_argument("--explain", action="store_true", help="show candidates and rules")
    sp = cmd("cluster", commands.cluster, "fold a JSONL file of reports into events")
    sp.add_argument("--jsonl", type=Path, required=True)
    cmd("check-config", commands.check_config, "validate every officer file")
    sp = cmd("route-test", commands.route_test, "who would get such an event, and why")
    sp.add_argument("--place", required=True)
    sp.add_argument("--severity", type=int, required=True, choices=range(6))
    sp.add_argument("--category", required=True)
    sp.add_argument("--at", help="ISO time (default: now)")
    sp.add_argument("--json", action="store_true")
    sp = cmd("preview", commands.preview, "render the mail a person would get for an event")
    sp.add_argument("--event", required=True)
    sp.add_argument("--to", required=True)
    sp = cmd("staff", commands.staff, "staff import FILE (.csv or .ics)")
    sp.add_argument("action", choices=["import"])
    sp.add_argument("file", type=Path)
    sp.add_argument("--email", help="whose itinerary an .ics file holds")
    sp = cmd("outbox", commands.outbox, "list pending and dead messages; retry one")
    sp.add_argument("action", nargs="?", choices=["list", "retry"], default="list")
    sp.add_argument("id", nargs="?", type=int)
    sp = cmd("feeds", commands.feeds, "list feeds with their health; check a feed")
    sp.add_argument("action", nargs="?", choices=["list", "check"], default="list")
    sp.add_argument("source", nargs="?", help="URL or file for 'check'")
    sp.add_argument("--json", action="store_true")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``alerts`` console script."""
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        code: int = args.fn(args)
    except ConfigError as exc:
        print("configuration problems:", *exc.problems, sep="\n  ", file=sys.stderr)
        return 2
    except AlertsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return code


if __name__ == "__main__":
    sys.exit(main())
