"""The commands behind ``alerts``: each a docstring with an example and a few calls."""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import datetime

from alerts import service
from alerts.scheduler import Runner, utcnow


def _now(value: str | None) -> datetime:
    if not value:
        return utcnow()
    parsed = datetime.fromisoformat(value)
    if parsed.tzinfo is None:
        raise SystemExit(f"--now/--at {value!r}: give a time zone, e.g. {value}Z or +00:00")
    return parsed


def run(args: argparse.Namespace) -> int:
    """Run the service until SIGINT or SIGTERM; SIGHUP reads the config folder again.

    Example: ALERTS_SMTP__HOST=mail.example.org alerts --config /etc/alerts run
    """
    config = service.load(args.config)

    async def go() -> None:
        async with service.open_app(config) as app:
            s = config.settings
            tick = (
                min(
                    [f.interval_minutes or s.polling.interval_minutes for f in config.feeds] + [1.0]
                )
                * 60
            )
            await Runner(
                app,
                poll_seconds=tick,
                flush_seconds=s.outbox.flush_seconds,
                reload=lambda: service.reload(app, args.config),
            ).run()

    asyncio.run(go())
    return 0


def run_once(args: argparse.Namespace) -> int:
    """Poll every due feed once, flush the outbox once, and exit (for cron and tests).

    Example: alerts run-once --now 2026-09-17T06:00:00Z
    """
    config, now = service.load(args.config), _now(args.now)

    async def go() -> None:
        async with service.open_app(config) as app:
            print("poll:", await app.poll(now))
            print("flush:", await app.flush(now))

    asyncio.run(go())
    return 0


def prune(args: argparse.Namespace) -> int:
    """Forget what the retention settings no longer keep, now (``alerts run`` does it daily).

    Example: alerts prune
    """
    config, now = service.load(args.config), _now(args.now)

    async def go() -> None:
        async with service.open_app(config) as app:
            print("pruned:", await app.prune(now))

    asyncio.run(go())
    return 0


def demo(args: argparse.Namespace) -> int:
    """Run the whole pipeline offline on bundled sample feeds and show who got what.

    Serves the sample feeds on 127.0.0.1, receives mail with a local SMTP sink that writes
    each message to OUT as a .eml file, polls once and flushes once.
    Example: alerts demo --out demo-out
    """
    from alerts.demo import run_demo

    return asyncio.run(run_demo(args.out))


def classify(args: argparse.Namespace) -> int:
    """Locate and assess a text, or every {id, title, summary} line of a JSONL file.

    Example: alerts classify --explain "Gunmen attack a school near Bamako airport"
    Example: alerts classify --jsonl ../shared/eval/dev.jsonl > out.jsonl
    """
    from alerts.classify_cli import classify_jsonl, classify_text

    if args.jsonl:
        return classify_jsonl(args.jsonl, args.config, sys.stdout)
    if not args.text:
        raise SystemExit("give a TEXT or --jsonl FILE")
    print(classify_text(args.text, args.config, explain=args.explain))
    return 0


def cluster(args: argparse.Namespace) -> int:
    """Fold items (id, published, title, summary, source_name, link) into events, in order.

    Prints one {"id", "event", "reason"} line per item.
    Example: alerts cluster --jsonl ../shared/eval/clusters-dev.jsonl > pred.jsonl
    """
    from alerts.classify_cli import cluster_jsonl

    return cluster_jsonl(args.jsonl, args.config, sys.stdout)


def check_config(args: argparse.Namespace) -> int:
    """Validate every officer file; print each problem as file: field: what is wrong.

    Example: alerts --config config check-config
    """
    config = service.load(args.config)
    print(
        f"{args.config}: OK ({len(config.feeds)} feeds, {len(config.people)} people, "
        f"{len(config.segments)} itinerary segments)"
    )
    return 0


def route_test(args: argparse.Namespace) -> int:
    """Print who would get an event of this kind at this place, and why.

    Example: alerts route-test --place Bamako --severity 4 --category terrorism
    """
    from alerts.officer_tools import route_test as do

    print(do(args.config, args.place, args.severity, args.category, _now(args.at), args.json))
    return 0


def preview(args: argparse.Namespace) -> int:
    """Render the mail that a person would get for a stored event.

    Example: alerts preview --event ev-3f2a9c1d --to amina.diallo@example.org
    """
    from alerts.officer_tools import preview as do

    sys.stdout.write(do(args.config, args.event, args.to, utcnow()))
    return 0


def staff(args: argparse.Namespace) -> int:
    """Import people or itinerary segments from a CSV (HR export) or .ics file.

    Bad rows are reported with file, line and reason; the good rows are imported.
    Importing the same file twice gives the same state.
    Example: alerts staff import hr-export.csv
    """
    from alerts.officer_tools import import_staff

    return import_staff(args.config, args.file, args.email)


def outbox(args: argparse.Namespace) -> int:
    """List pending and dead outbox messages, or requeue one.

    Example: alerts outbox; alerts outbox retry 42
    """
    from alerts.officer_tools import outbox as do

    return do(args.config, args.action, args.id, utcnow())


def feeds(args: argparse.Namespace) -> int:
    """List every feed with its health, or check a feed before adding it.

    Example: alerts feeds; alerts feeds check https://example.org/rss.xml --json
    """
    if args.action == "check":
        from alerts.feedcheck import check, format_check

        if not args.source:
            raise SystemExit("feeds check needs a SOURCE (URL or file)")
        result = check(args.source, now=utcnow())
        print(format_check(result, as_json=args.json))
        return result.exit_code
    from alerts.officer_tools import list_feeds

    print(list_feeds(args.config, utcnow(), as_json=args.json))
    return 0
