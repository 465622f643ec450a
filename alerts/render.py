"""Render: event + change + recipient -> the exact email that will be sent (pure).

Templates live in one folder per language (``templates/en``, ``templates/fr``: ten
templates and ``words.yaml``); a recipient's language falls back to English. HTML templates
use CSS classes from ``templates/style.css``, inlined into ``style`` attributes once, when a
template is loaded, because Outlook and Gmail ignore most ``<style>`` blocks. Values come
from ``render_values`` (cleaned there), and Jinja escapes them in HTML.
"""

from __future__ import annotations

import hashlib
import re
from collections import OrderedDict
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from alerts import mime, render_splice
from alerts.models import Change, ChangeReason, Event, Message, Recipient
from alerts.render_values import clean, event_values, format_date, line, safe_url
from alerts.staff import base_language

__all__ = ["Renderer", "message_id", "safe_url", "thread_headers"]

TEMPLATE_FOR = {
    ChangeReason.NEW: "advisory",
    ChangeReason.ESCALATED: "update",
    ChangeReason.UPDATED: "update",
    ChangeReason.REMINDER: "update",
    ChangeReason.RESOLVED: "resolved",
}
_CSS_RULE = re.compile(r"\.([\w-]+)\s*\{([^}]*)\}")
_CLASS_TAG = re.compile(r"<[a-zA-Z][^<>]*\bclass=\"[^\"]*\"[^<>]*>")
_CLASS_ATTR = re.compile(r'\s*\bclass="([^"]*)"')
_UNSAFE_ID = re.compile(r"[^A-Za-z0-9._-]")


def inline_css(source: str, css: str) -> str:
    """Replace ``class="a b"`` in HTML tags by the declarations of ``.a`` and ``.b``."""
    rules = {m[1]: " ".join(m[2].split()).rstrip(";") + ";" for m in _CSS_RULE.finditer(css)}

    def tag(match: re.Match[str]) -> str:
        names = _CLASS_ATTR.search(match[0])
        assert names is not None
        decls = "".join(rules.get(n, "") for n in names[1].split())
        text = match[0].replace(names[0], "", 1)
        if 'style="' in text:  # a tag's own style (a severity colour) comes after, and wins
            return text.replace('style="', f'style="{decls}', 1)
        end = "/>" if text.endswith("/>") else ">"
        return text[: -len(end)].rstrip() + f' style="{decls}"' + end

    return _CLASS_TAG.sub(tag, source)


class _InliningLoader(FileSystemLoader):
    """Loads templates and inlines ``style.css`` into the HTML ones (once per template)."""

    def __init__(self, root: Path) -> None:
        super().__init__(str(root))
        self.css = (root / "style.css").read_text(encoding="utf-8")

    def get_source(
        self, environment: Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        source, filename, uptodate = super().get_source(environment, template)
        if template.endswith(".html"):
            source = inline_css(source, self.css)
        return source, filename, uptodate


def recipient_hash(email: str) -> str:
    """A short stable token for a recipient, so Message-IDs do not reveal addresses."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()[:12]


def message_id(event_id: str, revision: int, email: str, domain: str) -> str:
    """``<ev-ID.rN.HASH@domain>``: one id per (event, revision, recipient)."""
    safe = _UNSAFE_ID.sub("-", event_id)[:64]
    safe = safe if safe.startswith("ev-") else f"ev-{safe}"  # cluster ids carry it already
    return f"<{safe}.r{revision}.{recipient_hash(email)}@{domain}>"


def thread_headers(
    event_id: str, revision: int, email: str, domain: str, reason: ChangeReason
) -> tuple[str | None, tuple[str, ...]]:
    """(In-Reply-To, References) that hang every later mail under the event's first one.

    The first advisory is the root. A person may not have received every revision, so the
    references list the earlier ones (the first two and the last eight): clients thread on
    whichever they hold.
    """
    if reason is ChangeReason.NEW or revision <= 0:
        return None, ()
    earlier = list(range(revision))
    kept = earlier if len(earlier) <= 10 else earlier[:2] + earlier[-8:]
    refs = tuple(message_id(event_id, r, email, domain) for r in kept)
    return refs[-1], refs


def heading(title: str) -> str:
    """Plain-text heading filter: the title in capitals, underlined."""
    return f"{title.upper()}\n{'-' * len(title)}"


def bullets(items: Sequence[str]) -> str:
    """Plain-text list filter: one "* item" line each."""
    return "".join(f"* {i}\n" for i in items)


def _split_sender(sender: str) -> tuple[str, str]:
    name, _, rest = sender.rpartition("<")
    address = rest.rstrip(">").strip() if rest.endswith(">") else sender.strip()
    return name.strip().strip('"'), mime.check_address(address)


class Renderer:
    """Turns records into ``Message``s with the templates of ``templates_dir``."""

    def __init__(
        self, templates_dir: Path, *, sender: str, org_name: str = "Security desk"
    ) -> None:
        self.sender_name, self.sender = _split_sender(sender)
        self.domain = self.sender.rpartition("@")[2]
        self.org = line(org_name)
        self.env = Environment(
            loader=_InliningLoader(templates_dir),
            autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            auto_reload=False,
        )
        self.env.filters["heading"] = heading
        self.env.filters["bullets"] = bullets
        self._templates: dict[str, Any] = {}
        self.words = {
            d.name: yaml.safe_load((d / "words.yaml").read_text(encoding="utf-8"))
            | {"lang": d.name}
            for d in templates_dir.iterdir()
            if (d / "words.yaml").is_file()
        }
        # One event usually goes to many people: its values are built once per language.
        self._cache: OrderedDict[tuple[Any, ...], dict[str, Any]] = OrderedDict()
        # ... and so are its bodies, with markers where each reader's own values go.
        self._skeletons: OrderedDict[tuple[Any, ...], render_splice.Skeleton | str]
        self._skeletons = OrderedDict()

    def language(self, wanted: str) -> str:
        """The template folder for ``wanted`` ("fr-FR" -> "fr"), English when absent."""
        base = base_language(wanted)
        return base if base in self.words else "en"

    def render(
        self,
        event: Event,
        change: Change,
        recipient: Recipient,
        now: datetime,
        reasons: Sequence[str] = (),
    ) -> Message:
        """The advisory, update or all-clear for one person, ready for the outbox.

        ``reasons`` are the assessment's short reason lines, shown under the facts.
        """
        if change.reason not in TEMPLATE_FOR:
            raise ValueError(f"change {change.reason} sends nothing")
        lang, name = self.language(recipient.language), TEMPLATE_FOR[change.reason]
        key = (event, change.reason, change.detail, lang, tuple(reasons))  # the whole record
        values = self._event_values(key, event, change)
        text, html = self._person_bodies(key, name, values, self._person(recipient))
        mid = message_id(event.id, event.revision, recipient.email, self.domain)
        reply, refs = thread_headers(
            event.id, event.revision, recipient.email, self.domain, change.reason
        )
        env = self._envelope(recipient, values["subject"], mid, now, reply, refs, lang)
        raw = mime.build(env, text, html)
        return Message(
            event.id, event.revision, recipient.email, change.reason, values["subject"], mid, raw
        )

    def render_digest(
        self,
        recipient: Recipient,
        entries: Sequence[tuple[Event, Change, str]],
        now: datetime,
    ) -> Message:
        """One mail listing several events (routes with digest delivery), worst first.

        Its outbox key is ("digest-" + recipient hash, minute of ``now``).
        """
        lang = self.language(recipient.language)
        words = self.words[lang]
        items = sorted(entries, key=lambda e: (-e[0].severity, e[0].first_seen))
        rows = [
            SimpleNamespace(
                **self._event_values((ev, ch.reason, ch.detail, lang, ()), ev, ch),
                why=clean(why, 600),
            )
            for ev, ch, why in items
        ]
        top = max((e[0].severity for e in entries), default=0)
        values = self._person(recipient) | {"entries": rows, "count": len(rows)}
        values["subject"] = words["digest_subject"].format(
            count=len(rows), level=top, word=words["severity"][top].upper(),
            date=format_date(now, words, "day"),
        )  # fmt: skip
        key = f"digest-{recipient_hash(recipient.email)}"
        return self._keyed(key, int(now.timestamp()) // 60, "digest", lang, values, recipient, now)

    def render_feed_notice(
        self, to: str, feed: str, url: str, state: str, detail: str, now: datetime,
        language: str = "en",
    ) -> Message:  # fmt: skip
        """The officers' notice that a feed is failing, has recovered, or is gone.

        Its outbox key is ("feed-" + hash of feed and state, minute of ``now``); ``language``
        picks the templates as for any reader (English when absent).
        """
        if state not in ("failing", "recovered", "gone"):
            raise ValueError(f"feed state must be failing, recovered or gone, not {state!r}")
        lang = self.language(language)
        officer = Recipient(email=mime.check_address(to), name="", language=lang, why="")
        words = self.words[lang]
        values = self._person(officer) | {
            "feed": line(feed), "url": safe_url(url), "url_text": line(url, 500),
            "state": state, "detail": clean(detail), "when": format_date(now, words),
        }  # fmt: skip
        values["subject"] = words["feed_subject"][state].format(feed=values["feed"])
        key = "feed-" + hashlib.sha256(f"{feed}\n{state}".encode()).hexdigest()[:24]
        return self._keyed(
            key, int(now.timestamp()) // 60, "feed_notice", lang, values, officer, now
        )

    def _event_values(self, key: tuple[Any, ...], event: Event, change: Change) -> dict[str, Any]:
        values = self._cache.get(key)
        if values is None:
            words = self.words[key[3]]
            values = self._cache[key] = event_values(event, change, words, key[4])
            if len(self._cache) > 256:
                self._cache.popitem(last=False)
        return values

    def _person_bodies(
        self, key: tuple[Any, ...], name: str, values: dict[str, Any], person: dict[str, str]
    ) -> tuple[str, str]:
        """The bodies for one reader: the event's skeleton with their values spliced in."""
        lang = key[3]
        if not render_splice.spliceable(person):
            return self._bodies(name, lang, values | person)
        skey = (key, name)
        skel = self._skeletons.get(skey)
        if skel is None:  # a first reader: a skeleton costs two renders, worth it from the second
            self._skeletons[skey] = "once"
            if len(self._skeletons) > 256:
                self._skeletons.popitem(last=False)
        elif skel == "once":  # "full": the templates do more than insert a reader's values
            skel = self._skeletons[skey] = (
                render_splice.skeleton(
                    lambda marks: self._bodies(name, lang, values | marks), tuple(person)
                )
                or "full"
            )
        if not isinstance(skel, render_splice.Skeleton):
            return self._bodies(name, lang, values | person)
        return render_splice.fill(skel, person)

    def _template(self, name: str) -> Any:
        template = self._templates.get(name)
        if template is None:
            template = self._templates[name] = self.env.get_template(name)
        return template

    @staticmethod
    def _person(recipient: Recipient) -> dict[str, str]:
        return {"recipient_name": line(recipient.name, 100), "why": clean(recipient.why, 600)}

    def _keyed(
        self, key: str, revision: int, name: str, lang: str, values: dict[str, Any],
        recipient: Recipient, now: datetime,
    ) -> Message:  # fmt: skip
        mid = message_id(key, revision, recipient.email, self.domain)
        text, html = self._bodies(name, lang, values)
        raw = mime.build(
            self._envelope(recipient, values["subject"], mid, now, None, (), lang), text, html
        )
        return Message(
            key, revision, recipient.email, ChangeReason.NEW, values["subject"], mid, raw
        )

    def _bodies(self, name: str, lang: str, values: dict[str, Any]) -> tuple[str, str]:
        values = values | {"org": self.org, "lang": lang}
        text = self._template(f"{lang}/{name}.txt").render(values)
        return text, self._template(f"{lang}/{name}.html").render(values)

    def _envelope(
        self, recipient: Recipient, subject: str, mid: str, now: datetime,
        reply: str | None, refs: tuple[str, ...], lang: str,
    ) -> mime.Envelope:  # fmt: skip
        return mime.Envelope(
            self.sender_name, self.sender, recipient.email, subject, mid, now,
            reply, refs, lang, line(recipient.name, 100),
        )  # fmt: skip
