"""One tree of errors; each says whether trying again later can help.

    AlertsError (retryable: False)
    ├── ConfigError            a file or field an officer wrote is wrong (names both)
    ├── FeedError              one feed could not be used this time
    │   ├── FetchError         network, timeout, HTTP status (retryable unless 4xx but 408/429)
    │   ├── NotAFeedError      empty body, HTML page, not XML
    │   └── FeedTooLargeError  body over the configured cap
    ├── StoreError             the database refused or failed (retryable for connection loss)
    └── DeliveryError          one message could not be sent
        ├── TemporaryDeliveryError   4xx, network: retry with backoff
        └── PermanentDeliveryError   5xx, refused recipient: dead with the server's words

One reporting point per loop (``app.poll`` per feed, ``app.flush`` per message) catches
``AlertsError`` so that one bad feed or one refused address never stops the rest.
"""

from __future__ import annotations


class AlertsError(Exception):
    """Base of every error the service raises on purpose."""

    retryable: bool = False

    def __init__(self, message: str, *, retryable: bool | None = None) -> None:
        super().__init__(message)
        if retryable is not None:
            self.retryable = retryable


class ConfigError(AlertsError):
    """An officer's file is wrong; ``problems`` lists each as 'file: field: what'."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = list(problems)
        super().__init__("\n".join(self.problems) or "invalid configuration")


class FeedError(AlertsError):
    """One feed could not be used this time."""

    retryable = True


class FetchError(FeedError):
    """The feed could not be fetched (network, timeout, HTTP status)."""


class NotAFeedError(FeedError):
    """The body is not a feed: empty, an HTML page, or not XML at all."""


class FeedTooLargeError(FeedError):
    """The body passed the configured size cap; the download was stopped."""


class StoreError(AlertsError):
    """The database failed; connection losses are retryable."""


class DeliveryError(AlertsError):
    """One message could not be delivered."""


class TemporaryDeliveryError(DeliveryError):
    """A 4xx reply or network failure: try again later."""

    retryable = True


class PermanentDeliveryError(DeliveryError):
    """A 5xx reply or refused recipient: the message is dead, with the server's words."""

    retryable = False
