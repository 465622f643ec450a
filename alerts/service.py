"""Building a running ``App`` from a config folder: the one place that creates IO clients."""

from __future__ import annotations

import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import NamedTuple

import aiohttp
from sqlalchemy import Engine

from alerts import __version__
from alerts.app import App
from alerts.classify import Classifier
from alerts.config import Config, load_config
from alerts.deliver import Sender
from alerts.fetch import Fetcher, FetchPolicy
from alerts.gazetteer import load as load_gazetteer
from alerts.models import Whereabouts
from alerts.render import Renderer
from alerts.roster import Roster
from alerts.settings import Settings
from alerts.smtpconf import SmtpSettings
from alerts.store import staff as staff_rows
from alerts.store.db import connect, upgrade

GC_THRESHOLD = 20_000  # allocations between young-generation collections (default 700)
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def resolve_place(name: str) -> Whereabouts | None:
    """A place name an officer wrote ("Bamako", "BKO", "Nairobi, Kenya") on the map."""
    place = load_gazetteer().resolve(name)
    if place is None:
        return None
    return Whereabouts(place.name, place.country, place.lat, place.lon)


def load(folder: Path) -> Config:
    """The officers' configuration in ``folder``, checked (raises ConfigError)."""
    return load_config(folder, resolve_place)


def settle_heap() -> None:
    """Tune the garbage collector for a long-running service, once its tables are loaded.

    The place index, the rules and the roster live as long as the process: ``gc.freeze``
    moves them out of the collector's sight, or every collection rescans ~10^6 objects (a
    quarter of the time spent classifying, ~40 % of routing an event that reaches many
    people). The first-generation threshold is raised from 700 because a poll makes
    short-lived events and reports by the thousand: measured on bench_cluster, collections
    took 11-16 % of folding at 700 and ~2 % at 20,000 (2,008 -> 2,561 items/s). Objects in
    cycles wait a little longer to be freed; nothing the service keeps depends on it.
    """
    gc.freeze()
    gc.set_threshold(GC_THRESHOLD, 50, 50)


def open_database(settings: Settings) -> Engine:
    """The database engine, with the schema upgraded to the newest migration."""
    engine = connect(settings.database.url)
    upgrade(engine)
    return engine


def roster(config: Config, engine: Engine) -> Roster:
    """People and itineraries from staff.yaml plus those imported into the database."""
    with engine.connect() as conn:
        people = staff_rows.load_people(conn)
        segments = staff_rows.load_segments(conn)
    return Roster.build([*config.people, *people], [*config.segments, *segments])


def smtp_settings(settings: Settings) -> SmtpSettings:
    """The mail server settings record for the delivery stage."""
    return SmtpSettings.from_section(settings.smtp)


def renderer(config: Config) -> Renderer:
    """The template renderer for advisories and notices."""
    settings = config.settings
    return Renderer(
        settings.templates or TEMPLATES, sender=settings.smtp.sender, org_name=settings.org_name
    )


def fetch_policy(settings: Settings) -> FetchPolicy:
    """Timeouts, size cap, concurrency and the User-Agent that names us and a contact."""
    p = settings.polling
    return FetchPolicy(
        total_timeout=p.timeout_seconds,
        max_bytes=p.max_bytes,
        concurrency=p.concurrency,
        per_host=p.per_host,
        host_spacing=p.host_spacing_seconds,
        user_agent=f"alerts/{__version__} (travel-security alerting; +mailto:{p.contact})",
    )


class ConfigParts(NamedTuple):
    """What an App builds from the config folder, at start and again on reload."""

    renderer: Renderer
    classify: Classifier
    roster: Roster


def from_config(config: Config, engine: Engine) -> ConfigParts:
    """The templates, the rules and the roster (staff files plus imported staff)."""
    return ConfigParts(renderer(config), Classifier(config.rules), roster(config, engine))


@asynccontextmanager
async def open_app(config: Config) -> AsyncIterator[App]:
    """A ready App: database upgraded, HTTP session open; closed cleanly on exit."""
    engine = open_database(config.settings)
    load_gazetteer()  # at start, not on the first item: a broken install fails here
    parts = from_config(config, engine)
    settle_heap()
    policy = fetch_policy(config.settings)
    connector = aiohttp.TCPConnector(limit=policy.concurrency, limit_per_host=policy.per_host)
    try:
        async with aiohttp.ClientSession(connector=connector) as session:
            yield App(
                config,
                engine,
                fetcher=Fetcher(session, policy),
                sender=Sender(smtp_settings(config.settings)),
                renderer=parts.renderer,
                classify=parts.classify,
                roster=parts.roster,
                owner=config.settings.instance,
            )
    finally:
        engine.dispose()


def reload(app: App, folder: Path) -> list[str]:
    """Read ``folder`` and the imported staff again and hand them to ``app``.

    Raises ConfigError, leaving ``app`` as it was, when the folder has a problem. Returns the
    changed settings that only a restart applies (database, SMTP, HTTP client).
    """
    config = load(folder)
    parts = from_config(config, app.engine)
    app.reload(config, renderer=parts.renderer, classify=parts.classify, roster=parts.roster)
    settle_heap()  # as at start: the new roster and rules out of the collector's sight
    new, old = config.settings, app.opened_with
    return [
        name
        for name, changed in (
            ("database", new.database != old.database),
            ("smtp", new.smtp != old.smtp),
            ("polling (HTTP client)", fetch_policy(new) != fetch_policy(old)),
        )
        if changed
    ]
