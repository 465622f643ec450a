"""Checks and repairs applied to a feed's bytes before any XML parser sees them.

Feed servers are untrusted: a body may declare entities that expand to gigabytes (billion
laughs), point an external entity at a local file (XXE), nest elements without end, or carry
bytes that are not text at all. These checks are cheap scans so that they cost nothing on
ordinary feeds.
"""

from __future__ import annotations

import re

from alerts.errors import FeedTooLargeError, NotAFeedError

MAX_BODY_BYTES = 16_000_000  # parse refuses more; fetch stops at its own (smaller) cap
MAX_ENTRIES = 20_000  # the largest real feed (USGS, past week) holds ~5,000
MAX_DEPTH = 1000  # real feeds nest < 12 deep; loose HTML (unclosed <br>) needs headroom

_DOCTYPE = re.compile(r"<!DOCTYPE\b", re.IGNORECASE)
_ENTITY_DECL = re.compile(r"<!ENTITY\b", re.IGNORECASE)
# Tags outside CDATA: an opening tag, a closing tag, or a self-closing one.
_TAG = re.compile(r"<(/?)[A-Za-z_][^<>]*?(/?)>")
_CDATA = re.compile(r"<!\[CDATA\[.*?\]\]>", re.DOTALL)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# C0 controls other than TAB, LF, CR, and DEL: invalid in XML 1.0 and in mail headers.
CONTROL_CHARS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def check_size(body: bytes) -> None:
    """Refuse a body larger than any real feed, before spending memory on it."""
    if len(body) > MAX_BODY_BYTES:
        raise FeedTooLargeError(
            f"body is {len(body):,} bytes, over the parse limit of {MAX_BODY_BYTES:,}"
        )


def check_entry_count(text: str) -> None:
    """Refuse a document with more entries than any real feed, before objects are built.

    Counting the opening tags is a scan in C; each entry costs the parsers ~1-2 KB of
    objects, so 10 MB of tiny entries would otherwise cost far more memory than the body.
    """
    count = text.count("<item") + text.count("<entry") + text.count(":item")
    if count > MAX_ENTRIES:
        raise NotAFeedError(f"refused: about {count:,} entries, over the limit of {MAX_ENTRIES:,}")


def neutralise_doctype(text: str) -> str:
    """Refuse entity declarations; drop any other DOCTYPE so that no DTD is ever loaded.

    RSS 0.91 feeds legitimately carry ``<!DOCTYPE rss PUBLIC ... "http://...dtd">``; removing
    the declaration keeps them readable without any parser being tempted to fetch it.
    """
    match = _DOCTYPE.search(text)  # the first one: a real DOCTYPE precedes the root
    if match is None:
        return text
    end = _doctype_end(text, match.start())
    if _ENTITY_DECL.search(text, match.start(), end):
        raise NotAFeedError(
            "refused: the DOCTYPE declares entities (entity expansion or external entity attack)"
        )
    return text[: match.start()] + text[end:]


def _doctype_end(text: str, start: int) -> int:
    """End offset of a DOCTYPE declaration, skipping an internal subset in brackets."""
    bracket = text.find("[", start)
    close = text.find(">", start)
    if bracket != -1 and (close == -1 or bracket < close):
        subset_end = text.find("]", bracket)
        if subset_end == -1:
            return len(text)
        close = text.find(">", subset_end)
    return len(text) if close == -1 else close + 1


def check_depth(text: str, limit: int = MAX_DEPTH) -> None:
    """Refuse a document nested deeper than ``limit`` elements (CDATA and comments skipped)."""
    stripped = _COMMENT.sub("", _CDATA.sub("", text))
    depth = 0
    for match in _TAG.finditer(stripped):
        if match.group(1):
            depth -= 1
        elif not match.group(2):
            depth += 1
            if depth > limit:
                raise NotAFeedError(f"refused: elements nested deeper than {limit} levels")
