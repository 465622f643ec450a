"""``alerts feeds check SOURCE [--json]``: what the service would see in one feed.

SOURCE is an http(s) URL, fetched exactly as the service fetches, or a local file, read
with the same size cap. Both are parsed exactly as the service parses. Officers use this
before adding a feed; the command exits 0 when ``CheckResult.ok`` and 1 otherwise, with
the one-line ``reason``.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import aiohttp

from alerts.errors import AlertsError, FeedTooLargeError
from alerts.fetch import Fetcher, FetchPolicy, Validators
from alerts.models import Item
from alerts.parse import parse


@dataclass(frozen=True)
class CheckResult:
    """The outcome of checking one source: usable or not (with why), and what it holds."""

    source: str
    ok: bool
    reason: str = ""  # one line; empty when ok
    title: str = ""
    items: tuple[Item, ...] = ()
    warnings: tuple[str, ...] = ()
    final_url: str | None = None
    permanent_redirect: str | None = None
    parser: str = ""

    @property
    def exit_code(self) -> int:
        """0 for a usable feed, 1 otherwise."""
        return 0 if self.ok else 1


def check(
    source: str, *, now: datetime, timeout: float = 20.0, policy: FetchPolicy | None = None
) -> CheckResult:
    """Check ``source`` from synchronous code (the CLI); ``timeout`` bounds the whole fetch."""
    policy = replace(policy or FetchPolicy(), total_timeout=timeout)
    return asyncio.run(acheck(source, now=now, policy=policy))


async def acheck(
    source: str,
    *,
    now: datetime,
    policy: FetchPolicy | None = None,
    session: aiohttp.ClientSession | None = None,
) -> CheckResult:
    """Fetch (or read) and parse ``source`` as the service would; never raises for the feed."""
    policy = policy or FetchPolicy()
    try:
        if _is_url(source):
            body, headers, result = await _fetch(source, now, policy, session)
        else:
            body, headers, result = _read(source, policy.max_bytes), {}, CheckResult(source, True)
        parsed = parse(body, headers, feed="check", fetched_at=now)
    except AlertsError as exc:
        return CheckResult(source, False, _one_line(f"{type(exc).__name__}: {exc}"))
    except OSError as exc:
        return CheckResult(source, False, _one_line(f"cannot read {source}: {exc.strerror}"))
    warnings = parsed.warnings + (("the feed holds no items now",) if not parsed.items else ())
    return replace(
        result, title=parsed.title, items=parsed.items, warnings=warnings, parser=parsed.parser
    )


def _is_url(source: str) -> bool:
    return urlsplit(source).scheme in ("http", "https")


async def _fetch(
    url: str, now: datetime, policy: FetchPolicy, session: aiohttp.ClientSession | None
) -> tuple[bytes, dict[str, str], CheckResult]:
    if session is None:
        async with aiohttp.ClientSession() as own:
            return await _fetch(url, now, policy, own)
    fetched = await Fetcher(session, policy).fetch(url, Validators(), now)
    if fetched.status == "gone":
        raise AlertsError(f"{url}: 410 Gone: the publisher removed this feed")
    result = CheckResult(url, True, final_url=fetched.url)
    return (
        fetched.body,
        dict(fetched.headers),
        replace(result, permanent_redirect=fetched.permanent_redirect),
    )


def _read(source: str, limit: int) -> bytes:
    """A local file's bytes, refusing more than ``limit`` without reading it all."""
    path = Path(unquote(urlsplit(source).path) if source.startswith("file:") else source)
    with path.open("rb") as handle:
        body = handle.read(limit + 1)
    if len(body) > limit:
        raise FeedTooLargeError(f"{path}: over the {limit:,}-byte cap")
    return body


def _one_line(text: str) -> str:
    return " ".join(text.split())[:500]


def format_check(result: CheckResult, as_json: bool) -> str:
    """The result for people (a summary, warnings, then one block per item) or as JSON."""
    if as_json:
        return json.dumps(_as_dict(result), ensure_ascii=False, indent=2)
    if not result.ok:
        return f"NOT USABLE: {result.reason}"
    lines = [
        f"OK: {result.title or '(untitled)'}: {len(result.items)} item(s), parser {result.parser}"
    ]
    if result.permanent_redirect:
        lines.append(f"moved permanently to {result.permanent_redirect}")
    lines += [f"warning: {w}" for w in result.warnings]
    for item in result.items:
        date = item.published.isoformat() + (" (no date: fetch time)" if item.date_missing else "")
        lines += ["", f"- {item.title}", f"  key:  {item.key}", f"  date: {date}"]
        hints = _hints(item)
        if hints:
            lines.append("  hints: " + ", ".join(f"{k}={v}" for k, v in hints.items()))
    return "\n".join(lines)


def _hints(item: Item) -> dict[str, Any]:
    found = {k: v for k, v in asdict(item.hints).items() if v is not None}
    if "cap_polygon" in found:
        found["cap_polygon"] = f"{len(found['cap_polygon'])} points"
    return found


def _as_dict(result: CheckResult) -> dict[str, Any]:
    return {
        "source": result.source,
        "ok": result.ok,
        "reason": result.reason,
        "title": result.title,
        "final_url": result.final_url,
        "permanent_redirect": result.permanent_redirect,
        "parser": result.parser,
        "warnings": list(result.warnings),
        "items": [
            {
                "key": i.key,
                "title": i.title,
                "link": i.link,
                "published": i.published.isoformat(),
                "date_missing": i.date_missing,
                "summary": i.summary,
                "hints": {k: v for k, v in asdict(i.hints).items() if v is not None},
            }
            for i in result.items
        ],
    }
