"""Bytes to text: choosing a feed's character encoding, and HTML to clean plain text."""

from __future__ import annotations

import codecs
import html
import re
from collections.abc import Mapping

from alerts.parse_safety import CONTROL_CHARS

MAX_TITLE = 500  # characters; a longer title is an attack or a bug, not a headline
MAX_SUMMARY = 10_000

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)
_XML_DECL = re.compile(rb"^\s*<\?xml[^>]*?encoding\s*=\s*[\"']([A-Za-z0-9._:-]+)[\"']")
_XML_DECL_TEXT = re.compile(r"^\s*<\?xml[^>]*\?>")
_DROP_BLOCKS = re.compile(r"<(script|style)\b.*?</\1\s*>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*>")


def header(headers: Mapping[str, str], name: str) -> str:
    """A header's value whatever the case of its name ('' when absent)."""
    for key, value in headers.items():
        if key.lower() == name:
            return value
    return ""


def decode(body: bytes, headers: Mapping[str, str]) -> tuple[str, list[str]]:
    """Decode ``body`` to text, with warnings when the declared encodings were wrong.

    Order: a byte-order mark; then UTF-8 when the bytes are valid UTF-8 (a legacy single-byte
    or CJK text is practically never valid UTF-8, while servers often send a default charset
    that is wrong); then the Content-Type charset; then the XML declaration; then
    windows-1252, which decodes any Latin-1 feed that declares nothing.
    """
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(name, "replace"), []
    warnings: list[str] = []
    claimed = [c for c in (_header_charset(headers), _declared_charset(body)) if c]
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        if claimed and not _is_utf8(claimed[0]) and not text.isascii():
            warnings.append(f"body is UTF-8 although {claimed[0]} was declared")
        return text, warnings
    for charset in [*claimed, "windows-1252"]:
        text_or_none = _try_decode(body, charset)
        if text_or_none is not None:
            if charset != (claimed[0] if claimed else "windows-1252"):
                warnings.append(f"body decoded as {charset}: the declared charset did not fit")
            return text_or_none, warnings
    return body.decode("utf-8", "replace"), [*warnings, "undecodable bytes replaced"]


def _is_utf8(charset: str) -> bool:
    return charset.lower().replace("_", "-") in ("utf-8", "utf8")


def _try_decode(body: bytes, charset: str) -> str | None:
    # GB2312 is decoded as its superset GB18030 since publishers mix in characters outside it.
    name = "gb18030" if charset.lower() in ("gb2312", "gbk") else charset
    try:
        return body.decode(name)
    except (UnicodeDecodeError, LookupError):
        return None


def _header_charset(headers: Mapping[str, str]) -> str | None:
    match = _CHARSET.search(header(headers, "content-type"))
    return match.group(1) if match else None


def _declared_charset(body: bytes) -> str | None:
    match = _XML_DECL.match(body[:512])
    return match.group(1).decode("ascii") if match else None


def as_utf8_document(text: str) -> bytes:
    """The text as UTF-8 bytes with control characters removed and no encoding claim left."""
    text = CONTROL_CHARS.sub("", text)
    start = text.find("<")
    if start > 0:  # a mangled BOM or a browser's banner before the document: never content
        text = text[start:]
    text = _XML_DECL_TEXT.sub('<?xml version="1.0" encoding="utf-8"?>', text, count=1)
    return text.encode("utf-8", "replace")


def clean(markup: str | None, limit: int) -> str:
    """HTML or plain text to one line of plain text, at most ``limit`` characters.

    Scripts and styles are dropped with their content, other tags are dropped, entities are
    decoded, control characters removed and whitespace (CR/LF included) collapsed, so that a
    title can never carry a line break into a mail header.
    """
    if not markup:
        return ""
    text = markup[: limit * 4]  # bound the work on huge fields before any regex runs
    if "<" in text:
        text = _strip_tags(text)
    if "&" in text:
        text = html.unescape(text)
        if "<" in text:  # double-escaped markup, common in feeds
            text = _strip_tags(text)
    # str.split also splits on CR, LF, FF, VT and \x1c-\x1f; the regex takes the other controls.
    text = " ".join(CONTROL_CHARS.sub("", text).split())
    return text[:limit].rstrip()


def _strip_tags(text: str) -> str:
    lowered = text.lower()
    if "<script" in lowered or "<style" in lowered:
        text = _DROP_BLOCKS.sub(" ", text)
    return _TAG.sub(" ", text)
