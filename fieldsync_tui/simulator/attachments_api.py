"""CRM Attachments endpoints (ZOHO_WORKDRIVE §1–§2): list (``fields`` mandatory) and download.

* list: 400 REQUIRED_PARAM_MISSING without ``fields``; only the asked fields (plus ``id``);
  ``per_page`` 1..200; 204 when there are none (switch: 200 with ``data: []``).
* download: the raw bytes with ``Content-Disposition`` (switch: quoted / RFC 5987 / both),
  ``Content-Length``; 400 DOWNLOAD_NOT_ALLOWED for a link; 204 for an unknown attachment id.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fieldsync_tui.simulator.attachments import LINK, SimAttachment
from fieldsync_tui.simulator.context import Ctx, Reply
from fieldsync_tui.simulator.errors import bad_request, param_missing
from fieldsync_tui.simulator.read_api import per_page


def _record(ctx: Ctx, module: str, rid: str) -> None:
    store = ctx.store(module)
    if rid not in store.records:
        raise bad_request("INVALID_DATA", "the related id given seems to be invalid", {"id": rid})


def _render(ctx: Ctx, att: SimAttachment, module: str) -> dict[str, Any]:
    user = ctx.org.api_user
    return {
        "id": att.id,
        "File_Name": att.file_name,
        "Size": str(att.size),
        "$type": att.kind,
        "$link_url": att.link_url,
        "$file_id": att.file_id,
        "Created_Time": att.created,
        "Modified_Time": att.created,
        "Owner": {"name": user["name"], "id": user["id"], "email": "api@example.com"},
        "Created_By": {"name": user["name"], "id": user["id"], "email": "api@example.com"},
        "Modified_By": {"name": user["name"], "id": user["id"], "email": "api@example.com"},
        "Parent_Id": None,
        "$editable": True,
        "$se_module": module,
        "$state": "save",
        "$sharing_permission": "FULL_ACCESS",
        "$attachment_type": 1 if att.kind == LINK else 0,
    }


def list_attachments(ctx: Ctx, module: str, rid: str) -> Reply:
    raw = ctx.query.get("fields")
    if not raw:
        raise param_missing("fields")
    names = [n.strip() for n in raw.split(",") if n.strip()]
    size = per_page(ctx)
    page = ctx.int_param("page", 1)
    _record(ctx, module, rid)
    everything = ctx.org.attachments.of(rid)
    rows = everything[(page - 1) * size : page * size]
    if not rows:
        if ctx.org.config.files.attachments_none == "200":
            return Reply(200, {"data": [], "info": _info(size, 0, page, False)}, credits=1)
        return Reply(204, credits=1)
    data = []
    for att in rows:
        full = _render(ctx, att, module)
        data.append({k: full[k] for k in names if k in full} | {"id": att.id})
    more = len(everything) > page * size
    return Reply(200, {"data": data, "info": _info(size, len(data), page, more)}, credits=1)


def _info(size: int, count: int, page: int, more: bool) -> dict[str, Any]:
    return {
        "per_page": size,
        "next_page_token": None,
        "count": count,
        "page": page,
        "previous_page_token": None,
        "page_token_expiry": None,
        "more_records": more,
    }


def content_disposition(name: str, form: str) -> str:
    """The header for ``name`` in one of the forms the switch offers."""
    encoded = "attachment; filename*=UTF-8''" + quote(name, safe="")
    if form == "rfc5987":
        return encoded
    printable = "".join(ch if ch.isprintable() else quote(ch) for ch in name)
    quoted = printable.replace("\\", "\\\\").replace('"', '\\"')
    if form == "quoted":
        return f'attachment; filename="{quoted}"'
    fallback = "".join(ch if 32 <= ord(ch) < 127 else "_" for ch in quoted)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def download_attachment(ctx: Ctx, module: str, rid: str, aid: str) -> Reply:
    _record(ctx, module, rid)
    att = ctx.org.attachments.get(aid)
    if att is None or att.record_id != rid:
        return Reply(204, credits=1)
    if att.kind == LINK or att.content is None:
        raise bad_request(
            "DOWNLOAD_NOT_ALLOWED", "As it is a linked attachment, you can not download it"
        )
    transfers = ctx.sim.transfers
    content = att.content
    length = content.size
    short = transfers.short_length(ctx.path)
    if short is not None:
        length = min(short, length)

    def limited() -> Any:
        left = length
        for chunk in content.chunks():
            if left <= 0:
                return
            yield chunk[:left]
            left -= len(chunk)

    headers = {
        "Content-Type": "application/octet-stream",
        "Content-Disposition": content_disposition(
            att.file_name, ctx.org.config.files.content_disposition
        ),
        "Content-Length": str(length),
    }
    stream = transfers.send_chunks(ctx.path, limited())
    return Reply(200, None, credits=1, headers=headers, stream=stream)
