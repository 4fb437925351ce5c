"""The file name of a ``Content-Disposition`` header, in either form Zoho may send.

``filename*=UTF-8''…`` (RFC 5987/8187, percent-encoded) wins over ``filename="…"`` (a quoted
string with ``\\`` escapes, or a bare token). Unlike the official SDK's "text after the last
``=`` or ``'``", names holding ``=``, ``'``, ``;`` or quotes come back whole.
"""

from __future__ import annotations

from urllib.parse import unquote


def _params(header: str) -> list[tuple[str, str]]:
    """``(name, value)`` pairs after the disposition type; quoted values unescaped."""
    pairs: list[tuple[str, str]] = []
    i, n = header.find(";"), len(header)
    if i < 0:
        return pairs
    while i < n:
        i += 1  # past ';'
        eq = header.find("=", i)
        if eq < 0:
            break
        name = header[i:eq].strip().lower()
        j = eq + 1
        while j < n and header[j] in " \t":
            j += 1
        if j < n and header[j] == '"':
            value, j = _quoted(header, j + 1)
            end = header.find(";", j)
            i = n if end < 0 else end
        else:
            end = header.find(";", j)
            value = header[j:] if end < 0 else header[j:end]
            value = value.strip()
            i = n if end < 0 else end
        pairs.append((name, value))
    return pairs


def _quoted(text: str, start: int) -> tuple[str, int]:
    out: list[str] = []
    j = start
    while j < len(text):
        ch = text[j]
        if ch == "\\" and j + 1 < len(text):
            out.append(text[j + 1])
            j += 2
            continue
        if ch == '"':
            return "".join(out), j + 1
        out.append(ch)
        j += 1
    return "".join(out), j


def _extended(value: str) -> str | None:
    """RFC 5987 ``charset'lang'pct-encoded`` → text, or None if unusable."""
    parts = value.split("'", 2)
    if len(parts) != 3:
        return None
    charset = parts[0].strip().lower() or "utf-8"
    if charset not in ("utf-8", "iso-8859-1"):
        return None
    try:
        return unquote(parts[2], encoding=charset, errors="strict")
    except (UnicodeDecodeError, LookupError):
        return None


def filename_of(header: str | None) -> str | None:
    """The file name a ``Content-Disposition`` header gives, or None."""
    if not header:
        return None
    params = _params(header)
    for name, value in params:
        if name == "filename*" and (text := _extended(value)):
            return text
    for name, value in params:
        if name == "filename" and value:
            return value
    return None
