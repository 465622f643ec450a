"""Travel-security alerting: feeds in, located and assessed events, advisories out."""

__version__ = "0.1.0"
