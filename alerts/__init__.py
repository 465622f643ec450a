"""Travel-security alerting: feeds in, located and assessed events, advisories out."""

from alerts import native as _native

__version__ = "0.1.0"

# The clustering core runs compiled when ``make native`` built it from these sources.
CORE = _native.enable(__path__)
