"""Bulk Read (ZOHO_API.md §11): create a job, poll its state, download a zipped CSV.

* ``POST /crm/bulk/v8/read`` — JSON body (``Content-Type: application/json`` required, else
  415 ``MEDIA_TYPE_NOT_SUPPORTED``) with ``query.module.api_name``, ``query.fields``,
  optional ``query.criteria`` and ``query.page``; 201 ``ADDED_SUCCESSFULLY``; 50 credits.
  The job's records are fixed when it is created: page ``p`` holds records
  ``(p-1)·200,000 + 1 … p·200,000`` matching the criteria, by ascending id.
* ``GET /crm/bulk/v8/read/{id}`` — the job: ``ADDED`` → ``IN PROGRESS`` (``bulk_polls_in_progress``
  polls) → ``COMPLETED`` with ``result`` (``page``, ``per_page``, ``count``, ``download_url``,
  ``more_records``, ``next_page_token``); unknown id: 404 ``RESOURCE_NOT_FOUND``.
* ``GET /crm/bulk/v8/read/{id}/result`` — a ZIP holding ``{id}.csv`` (header row of API
  names, ``Id`` first); at most ``bulk_downloads_per_minute`` downloads a minute, then 429.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections import deque
from typing import Any

from fieldsync_tui.simulator.bulk_jobs import BulkJob, BulkJobs
from fieldsync_tui.simulator.clock import iso
from fieldsync_tui.simulator.context import Ctx, Reply
from fieldsync_tui.simulator.errors import ZohoFault, bad_request, too_many
from fieldsync_tui.simulator.store import ModuleStore

CREATE_CREDITS = 50
MAX_CRITERIA = 25


def _invalid(message: str, details: dict[str, Any] | None = None) -> ZohoFault:
    return bad_request("INVALID_DATA", message, details)


def _criteria_predicate(node: Any, store: ModuleStore) -> Any:
    """A record → bool function for Bulk Read criteria (group / field comparisons)."""
    if not isinstance(node, dict):
        raise bad_request("INVALID_CRITERIA", "invalid criteria", {})
    if "group" in node:
        op = str(node.get("group_operator", "and")).lower()
        parts = node.get("group")
        if op not in ("and", "or") or not isinstance(parts, list) or not parts:
            raise bad_request("INVALID_CRITERIA", "invalid criteria", {"group_operator": op})
        preds = [_criteria_predicate(p, store) for p in parts]
        if op == "and":
            return lambda r: all(p(r) for p in preds)
        return lambda r: any(p(r) for p in preds)
    spec = node.get("field")
    name = spec.get("api_name") if isinstance(spec, dict) else None
    meta = store.fields.get(name) if isinstance(name, str) else None
    comparator, value = node.get("comparator"), node.get("value")
    if meta is None or not isinstance(name, str) or comparator not in ("equal", "not_equal"):
        raise bad_request("INVALID_CRITERIA", "invalid criteria", {"api_name": name})
    if value == "${EMPTY}":
        target: Any = None
    elif meta.data_type == "boolean":
        if not isinstance(value, bool):
            raise bad_request("INVALID_CRITERIA", "invalid criteria", {"api_name": name})
        target = value
    else:
        target = value
    negate = comparator == "not_equal"

    def predicate(record: dict[str, Any]) -> bool:
        current = record.get(name)
        current = None if current == "" else current
        if meta.data_type == "boolean" and target is not None:
            current = bool(current)
        matched = bool(current == target)
        return matched is not negate

    return predicate


def _count_criteria(node: Any) -> int:
    if isinstance(node, dict) and isinstance(node.get("group"), list):
        return sum(_count_criteria(p) for p in node["group"])
    return 1


def create(ctx: Ctx) -> Reply:
    if "application/json" not in (ctx.header("content-type") or ""):
        raise ZohoFault(415, "MEDIA_TYPE_NOT_SUPPORTED", "the media type is not supported")
    body = ctx.json_body()
    query = body.get("query") if isinstance(body, dict) else None
    if not isinstance(query, dict):
        raise bad_request("REQUIRED_PARAM_MISSING", "query is missing", {"param_name": "query"})
    spec = query.get("module")
    module = spec.get("api_name") if isinstance(spec, dict) else None
    store = ctx.org.modules.get(module) if isinstance(module, str) else None
    if store is None:
        raise bad_request("INVALID_MODULE", "the module name given seems to be invalid", {})
    fields = query.get("fields") or [n for n in store.fields]
    if not isinstance(fields, list) or not all(isinstance(f, str) for f in fields):
        raise _invalid("invalid data", {"param_name": "fields"})
    unknown = [f for f in fields if f not in store.fields and f.lower() != "id"]
    if unknown:
        raise _invalid("invalid data", {"api_name": unknown[0]})
    page = query.get("page", 1)
    if not isinstance(page, int) or isinstance(page, bool) or page < 1:
        raise _invalid("invalid data", {"param_name": "page"})
    criteria = query.get("criteria")
    if criteria is not None and _count_criteria(criteria) > MAX_CRITERIA:
        raise bad_request("LIMIT_EXCEEDED", "criteria limit exceeded", {"limit": MAX_CRITERIA})
    predicate = _criteria_predicate(criteria, store) if criteria is not None else None
    size = ctx.sim.config.bulk_page_size
    with ctx.org.lock:
        matched = [i for i in store.ids if predicate is None or predicate(store.records[i])]
    start = (page - 1) * size
    jobs: BulkJobs = ctx.sim.bulk
    job = BulkJob(
        id=ctx.org.new_id(),
        org=ctx.org.label,
        module=store.name,
        fields=[f for f in fields if f.lower() != "id"],
        ids=matched[start : start + size],
        page=page,
        per_page=size,
        more_records=len(matched) > start + size,
        created=ctx.sim.clock.now(),
    )
    with jobs.lock:
        jobs.jobs[job.id] = job
    details = {
        "id": job.id,
        "operation": "read",
        "state": "ADDED",
        "created_by": dict(ctx.org.api_user),
        "created_time": iso(job.created),
    }
    data = {
        "status": "success",
        "code": "ADDED_SUCCESSFULLY",
        "message": "Added successfully.",
        "details": details,
    }
    return Reply(201, {"data": [data], "info": {}}, credits=CREATE_CREDITS)


def _job(ctx: Ctx, job_id: str) -> BulkJob:
    job = ctx.sim.bulk.jobs.get(job_id)
    if job is None or job.org != ctx.org.label:
        raise ZohoFault(404, "RESOURCE_NOT_FOUND", "the requested resource is not found", {})
    return job


def details(ctx: Ctx, job_id: str) -> Reply:
    job = _job(ctx, job_id)
    with ctx.sim.bulk.lock:
        job.polls += 1
        if job.state != "COMPLETED":
            ready = job.polls > ctx.sim.config.bulk_polls_in_progress
            job.state = "COMPLETED" if ready else "IN PROGRESS"
    item: dict[str, Any] = {
        "id": job.id,
        "operation": "read",
        "state": job.state,
        "query": {"module": {"api_name": job.module}, "page": job.page},
        "created_by": dict(ctx.org.api_user),
        "created_time": iso(job.created),
        "file_type": "csv",
    }
    if job.state == "COMPLETED":
        item["result"] = {
            "page": job.page,
            "per_page": job.per_page,
            "count": len(job.ids),
            "download_url": f"/crm/bulk/v8/read/{job.id}/result",
            "more_records": job.more_records,
            "next_page_token": None,
        }
    return Reply(200, {"data": [item]}, credits=1)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return str(value.get("id", ""))
    return str(value)


def result(ctx: Ctx, job_id: str) -> Reply:
    job = _job(ctx, job_id)
    jobs: BulkJobs = ctx.sim.bulk
    now = ctx.sim.clock.now()
    with jobs.lock:
        recent = jobs.downloads.setdefault(ctx.org.label, deque())
        while recent and recent[0] <= now - 60:
            recent.popleft()
        if len(recent) >= ctx.sim.config.bulk_downloads_per_minute:
            raise too_many()
        recent.append(now)
    if job.state != "COMPLETED":
        raise bad_request("INVALID_DATA", "the job is not completed yet", {"state": job.state})
    store = ctx.org.modules[job.module]
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(["Id", *job.fields])
    with ctx.org.lock:
        for rid in job.ids:
            record = store.records.get(rid)
            if record is not None:
                writer.writerow([rid, *(_cell(record.get(f)) for f in job.fields)])
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(f"{job.id}.csv", text.getvalue())
    headers = {
        "Content-Type": "application/zip",
        "Content-Disposition": f'attachment; filename="{job.id}.zip"',
    }
    return Reply(200, packed.getvalue(), credits=1, headers=headers)
