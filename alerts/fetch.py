"""Fetch one feed over HTTP: conditional GET, bounded in time, size, rate and redirects.

The aiohttp session is injected (tests swap the server, not the code). Every failure is a
``FetchError`` (or ``FeedTooLargeError``) whose message names the URL and what went wrong;
``retryable`` says whether trying again later can help.
"""

from __future__ import annotations

import asyncio
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Literal
from urllib.parse import urljoin, urlsplit

import aiohttp

from alerts.errors import FeedTooLargeError, FetchError

_PERMANENT = (301, 308)
_REDIRECTS = (301, 302, 303, 307, 308)
_CHUNK = 65536


@dataclass(frozen=True)
class Validators:
    """What the server said about the last body, sent back to get a 304 when unchanged."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class FetchResult:
    """One successful exchange: a body, 'not modified', or 'gone' (410)."""

    status: Literal["ok", "not_modified", "gone"]
    url: str  # final URL after redirects
    body: bytes = b""
    headers: Mapping[str, str] = field(default_factory=dict)  # lower-case names
    validators: Validators = field(default_factory=Validators)
    permanent_redirect: str | None = None  # new URL when a 301/308 was followed
    retry_after: datetime | None = None


@dataclass(frozen=True)
class FetchPolicy:
    """Limits for fetching: timeouts (seconds), size, redirects, concurrency and politeness."""

    connect_timeout: float = 10.0
    read_timeout: float = 20.0  # longest silence between two chunks
    total_timeout: float = 30.0  # whole exchange, body included: stops a 1-byte/s trickle
    max_bytes: int = 10_000_000
    max_redirects: int = 5
    concurrency: int = 50
    per_host: int = 4
    host_spacing: float = 0.2  # minimum seconds between two requests to one host
    user_agent: str = "alerts/0.1 (travel-security alerting; +mailto:security-desk@example.org)"


def user_agent(contact: str, version: str = "0.1") -> str:
    """A User-Agent that names the service and a contact, as feed publishers ask."""
    clean = "".join(ch for ch in contact if ch.isprintable() and ch not in "()\r\n")
    return f"alerts/{version} (travel-security alerting; +mailto:{clean})"


class ThrottledError(FetchError):
    """429 or 503: the server asked us to wait; ``retry_after`` is when (aware, or None)."""

    def __init__(self, message: str, retry_after: datetime | None) -> None:
        super().__init__(message, retryable=True)
        self.retry_after = retry_after


class Fetcher:
    """Fetches feeds through one shared session within the limits of a ``FetchPolicy``."""

    def __init__(self, session: aiohttp.ClientSession, policy: FetchPolicy | None = None) -> None:
        self.session = session
        self.policy = policy or FetchPolicy()
        self._overall = asyncio.Semaphore(self.policy.concurrency)
        self._hosts: dict[str, asyncio.Semaphore] = {}
        self._next_slot: dict[str, float] = {}

    async def fetch(self, url: str, validators: Validators, now: datetime) -> FetchResult:
        """GET ``url`` conditionally, following redirects up to the policy's limit."""
        permanent: str | None = None
        all_permanent = True
        current = url
        for _ in range(self.policy.max_redirects + 1):
            status, location = await self._exchange(current, validators, now)
            if isinstance(status, FetchResult):
                return _with_redirect(status, permanent)
            all_permanent = all_permanent and status in _PERMANENT
            current = _redirect_target(current, location)
            if all_permanent:
                permanent = current
        raise FetchError(f"{url}: more than {self.policy.max_redirects} redirects", retryable=False)

    async def _exchange(
        self, url: str, validators: Validators, now: datetime
    ) -> tuple[FetchResult | int, str]:
        """One request within the limits; a redirect comes back as (status, Location)."""
        host = urlsplit(url).netloc.lower()
        async with self._overall, self._host_lock(host):
            await self._space(host)
            try:
                return await self._request(url, validators, now)
            except TimeoutError as exc:
                raise FetchError(f"{url}: timed out ({_timeout_words(self.policy)})") from exc
            except aiohttp.ClientError as exc:
                raise FetchError(f"{url}: {type(exc).__name__}: {exc}") from exc
            except ValueError as exc:  # a URL that yarl or aiohttp cannot use
                raise FetchError(f"{url}: unusable URL: {exc}", retryable=False) from exc

    def _host_lock(self, host: str) -> asyncio.Semaphore:
        if host not in self._hosts:
            self._hosts[host] = asyncio.Semaphore(self.policy.per_host)
        return self._hosts[host]

    async def _space(self, host: str) -> None:
        """Wait for this host's next free slot; reserving it first keeps concurrent calls apart."""
        loop_now = asyncio.get_running_loop().time()
        slot = max(loop_now, self._next_slot.get(host, loop_now))
        self._next_slot[host] = slot + self.policy.host_spacing
        if slot > loop_now:
            await asyncio.sleep(slot - loop_now)

    async def _request(
        self, url: str, validators: Validators, now: datetime
    ) -> tuple[FetchResult | int, str]:
        policy = self.policy
        timeout = aiohttp.ClientTimeout(
            total=policy.total_timeout, connect=policy.connect_timeout,
            sock_read=policy.read_timeout,
        )  # fmt: skip
        async with self.session.get(
            url, headers=_request_headers(policy, validators), timeout=timeout,
            allow_redirects=False,
        ) as resp:  # fmt: skip
            headers = {k.lower(): v for k, v in resp.headers.items()}
            if resp.status in _REDIRECTS and "location" in headers:
                return resp.status, headers["location"]
            if resp.status == 200:
                body = await _read_capped(resp, url, policy.max_bytes)
                return FetchResult("ok", str(resp.url), body, headers, _validators(headers)), ""
            return _other_status(url, resp.status, headers, validators, now), ""


def _request_headers(policy: FetchPolicy, validators: Validators) -> dict[str, str]:
    headers = {
        "User-Agent": policy.user_agent,
        "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, */*;q=0.5",
        "Accept-Encoding": "gzip, deflate",
    }
    if validators.etag:
        headers["If-None-Match"] = validators.etag
    if validators.last_modified:
        headers["If-Modified-Since"] = validators.last_modified
    return headers


async def _read_capped(resp: aiohttp.ClientResponse, url: str, limit: int) -> bytes:
    """The (decompressed) body, stopping the download as soon as it passes ``limit``."""
    declared = resp.content_length
    if declared is not None and declared > limit and not resp.headers.get("Content-Encoding"):
        raise FeedTooLargeError(f"{url}: body of {declared:,} bytes is over the {limit:,} cap")
    chunks: list[bytes] = []
    size = 0
    async for chunk in resp.content.iter_chunked(_CHUNK):
        size += len(chunk)
        if size > limit:
            raise FeedTooLargeError(f"{url}: body passed the {limit:,}-byte cap; download stopped")
        chunks.append(chunk)
    return b"".join(chunks)


def _other_status(
    url: str, status: int, headers: Mapping[str, str], validators: Validators, now: datetime
) -> FetchResult:
    """304 and 410 are results; every other status is an error that says if retrying helps."""
    if status == 304:
        kept = Validators(
            headers.get("etag", validators.etag),
            headers.get("last-modified", validators.last_modified),
        )
        return FetchResult("not_modified", url, b"", headers, kept)
    if status == 410:
        return FetchResult("gone", url, b"", headers, validators)
    if status in (429, 503):
        when = retry_after(headers.get("retry-after"), now)
        after = f"; retry after {when.isoformat()}" if when else ""
        raise ThrottledError(f"{url}: HTTP {status}{after}", when)
    retryable = status >= 500 or status == 408 or status < 400
    raise FetchError(f"{url}: HTTP {status}", retryable=retryable)


def retry_after(value: str | None, now: datetime) -> datetime | None:
    """A Retry-After header (seconds or an HTTP date) as an aware time, never before ``now``."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return now + timedelta(seconds=min(int(value), 7 * 86400))
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    when = when.replace(tzinfo=UTC) if when.tzinfo is None else when
    return max(when, now)


def _validators(headers: Mapping[str, str]) -> Validators:
    return Validators(headers.get("etag"), headers.get("last-modified"))


def _redirect_target(current: str, location: str) -> str:
    target = urljoin(current, location.strip())
    if urlsplit(target).scheme not in ("http", "https"):
        raise FetchError(f"{current}: redirect to a non-HTTP URL refused", retryable=False)
    return target


def _with_redirect(result: FetchResult, permanent: str | None) -> FetchResult:
    if permanent is None:
        return result
    return FetchResult(
        result.status, result.url, result.body, result.headers, result.validators,
        permanent, result.retry_after,
    )  # fmt: skip


def _timeout_words(policy: FetchPolicy) -> str:
    return (
        f"connect {policy.connect_timeout:g} s, read {policy.read_timeout:g} s, "
        f"total {policy.total_timeout:g} s"
    )
