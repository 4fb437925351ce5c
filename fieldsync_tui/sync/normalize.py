"""Name normalisation, value cleaning, URL checks and id ordering (DESIGN.md §4, §5).

Pure functions over untrusted text: nothing here interprets a name or value beyond the
rules written below.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import urlsplit

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\ufeff"))
_WEB_SCHEMES = frozenset({"http", "https"})


def normalise_name(s: str | None) -> str:
    """The matching key of a record name (DESIGN.md §4).

    ``nfc(casefold(nfc(s)))`` with the zero-width characters U+200B–U+200D and U+FEFF removed
    and whitespace runs (``str.split()``) joined by one space. The zero-width characters are
    removed first, so a zero-width character between a letter and its combining accent
    cannot stop NFC from composing them; for every other input the result is the same as
    removing them last. ``None`` gives ``""``.
    """
    if not s:
        return ""
    if s.isascii():  # fast path, same result: NFC and casefold are identity/lower() on ASCII
        return " ".join(s.lower().split())
    text = s.translate(_ZERO_WIDTH)
    text = unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())
    return " ".join(text.split())


def clean_value(v: object) -> str | None:
    """A field value trimmed for comparing and writing; ``None``/``""``/whitespace → ``None``."""
    if v is None:
        return None
    text = (v if isinstance(v, str) else str(v)).strip()
    return text or None


def url_problem(v: str | None) -> str | None:
    """Why ``v`` is not a usable WorkDrive URL, or ``None`` when it is.

    Usable = after trimming it has an ``http``/``https`` scheme (any case) and a host.
    """
    text = clean_value(v)
    if text is None:
        return "URL is empty"
    try:
        parts = urlsplit(text)
        host = parts.hostname
    except ValueError:
        return "URL cannot be parsed"
    if parts.scheme.lower() not in _WEB_SCHEMES:
        return "URL has no http/https scheme"
    if not parts.netloc or not host or any(ch.isspace() or not ch.isprintable() for ch in host):
        return "URL has no host"
    return None


def id_key(record_id: str) -> tuple[int, int, str]:
    """Sort key for Zoho record ids: digit strings compare numerically, anything else after."""
    if record_id.isascii() and record_id.isdigit():
        return (0, int(record_id), record_id)
    return (1, 0, record_id)
