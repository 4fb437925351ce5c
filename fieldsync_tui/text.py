"""Untrusted text (record names and values from the CRM) made safe to print.

Control characters and escape sequences are shown escaped (``\\x1b``, ``\\n``, ``\\u200b`` …)
so a hostile name can neither drive the terminal nor break a log line or the layout. Markup is
never interpreted: callers render the result as plain text (``rich.text.Text``, not markup).
"""

from __future__ import annotations

import unicodedata

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_char(ch: str) -> str:
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    if code < 0x100:
        return f"\\x{code:02x}"
    if code < 0x10000:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def _needs_escape(ch: str) -> bool:
    # Cc: C0/C1 controls (ESC, BEL, CR …); Cf: format chars (zero-width, bidi overrides);
    # Zl/Zp: line/paragraph separators.
    return unicodedata.category(ch) in {"Cc", "Cf", "Zl", "Zp"}


def safe(value: object) -> str:
    """``value`` as one printable line: control/format characters escaped, None as ``""``."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text.isprintable():  # the fast path: no Cc/Cf/Zl/Zp (nor any other C* or Z* but space)
        return text
    return "".join(_escape_char(c) if _needs_escape(c) else c for c in text)
