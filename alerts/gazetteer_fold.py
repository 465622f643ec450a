"""Length-preserving text folding for place matching.

Each character maps to exactly one character, so offsets in the folded text are offsets
in the original: case, accents, curly apostrophes and dashes fold away ("Cox’s Bāzār" and
"Cox's Bazar" fold alike), and every other punctuation mark becomes a space so that names
match as whole words only.
"""

from __future__ import annotations

import re
import unicodedata

# Letters NFKD does not decompose into a base letter plus marks.
_SPECIAL = {"ß": "s", "ø": "o", "æ": "a", "œ": "o", "đ": "d", "ł": "l", "ı": "i", "þ": "t"}


class _FoldTable(dict[int, str]):
    """A ``str.translate`` table that computes and caches each character's fold."""

    def __missing__(self, code: int) -> str:
        self[code] = out = _fold_char(chr(code))
        return out


def _fold_char(ch: str) -> str:
    low = ch.lower()[:1] or ch
    if low in _SPECIAL:
        return _SPECIAL[low]
    base = next(
        (c for c in unicodedata.normalize("NFKD", low) if not unicodedata.combining(c)), " "
    )
    return base if base.isalnum() else " "


_TABLE = _FoldTable()
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Fold ``text`` character by character; ``len(fold(t)) == len(t)``."""
    return text.translate(_TABLE)


def fold_key(name: str) -> str:
    """The matching key of a name: folded, with runs of spaces made one."""
    return _SPACES.sub(" ", fold(name)).strip()
