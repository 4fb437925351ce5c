"""An in-memory CrmClient for fast engine tests (the simulator covers the real wire)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from fieldsync_tui.zoho.errors import ZohoError
from fieldsync_tui.zoho.readfilter import ReadFilter
from fieldsync_tui.zoho.types import FieldMeta, OrgInfo, WriteResult

Hook = Callable[["FakeClient"], None]


def default_fields(org: str) -> list[FieldMeta]:
    common = [
        FieldMeta("Name", "text", "Name", 120),
        FieldMeta("WorkDrive_URL", "website", "WorkDrive URL", 255),
        FieldMeta("WorkDrive_Folder_ID", "text", "WorkDrive Folder ID", 120),
        FieldMeta("Modified_Time", "datetime", "Modified Time", None, read_only=True),
    ]
    if org == "A":
        return [*common, FieldMeta("Transfer_Complete", "boolean", "Transfer Complete", 5)]
    return [*common, FieldMeta("Record_Updated_From", "text", "Record Updated From", 255)]


@dataclass
class FakeClient:
    label: str
    org_id: str = ""
    records: dict[str, dict[str, Any]] = field(default_factory=dict)
    fields: list[FieldMeta] = field(default_factory=list)
    calls: list[tuple[str, Any]] = field(default_factory=list)
    fail_next: dict[str, list[ZohoError]] = field(default_factory=dict)
    record_errors: dict[str, tuple[str, str]] = field(default_factory=dict)
    before_write: list[Hook] = field(default_factory=list)
    drop_after_apply: int = 0  # next N writes apply, then raise a dropped connection
    drop_before_apply: int = 0  # next N writes raise a dropped connection without applying
    triggers_seen: list[list[str]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.org_id = self.org_id or f"org-{self.label}"
        self.fields = self.fields or default_fields(self.label)

    def add(self, rid: str, **values: Any) -> None:
        self.records[rid] = {"id": rid, **values}

    def _maybe_fail(self, method: str) -> None:
        queue = self.fail_next.get(method)
        if queue:
            raise queue.pop(0)

    def count(self, method: str) -> int:
        return sum(1 for name, _ in self.calls if name == method)

    async def get_org(self) -> OrgInfo:
        self.calls.append(("get_org", None))
        self._maybe_fail("get_org")
        return OrgInfo(self.org_id, f"Org {self.label}")

    async def get_fields(self, module: str) -> list[FieldMeta]:
        self.calls.append(("get_fields", module))
        self._maybe_fail("get_fields")
        return list(self.fields)

    last_read = "fake"

    async def read_pages(
        self, module: str, fields: Sequence[str], where: ReadFilter, *, page_size: int = 2000
    ) -> AsyncIterator[list[dict[str, Any]]]:
        self.calls.append(("coql", where))
        self._maybe_fail("coql")
        pending = bool(where.false)
        rows = []
        for rid in sorted(self.records, key=lambda r: (len(r), r)):
            rec = self.records[rid]
            if rec.get("Name") is None:
                continue
            if pending and rec.get("Transfer_Complete"):
                continue
            rows.append({"id": rid, **{f: rec.get(f) for f in fields}})
        for start in range(0, len(rows), page_size):
            yield rows[start : start + page_size]

    async def get_records_by_ids(
        self, module: str, ids: Sequence[str], fields: Sequence[str]
    ) -> list[dict[str, Any]]:
        self.calls.append(("get_by_ids", list(ids)))
        self._maybe_fail("get_by_ids")
        return [
            {"id": i, **{f: self.records[i].get(f) for f in fields}}
            for i in ids
            if i in self.records
        ]

    async def update_records(
        self, module: str, records: Sequence[dict[str, Any]], trigger: Sequence[str]
    ) -> list[WriteResult]:
        assert len(records) <= 100
        self.calls.append(("update", [dict(r) for r in records]))
        self.triggers_seen.append(list(trigger))
        for hook in self.before_write:
            hook(self)
        self.before_write.clear()
        self._maybe_fail("update")
        if self.drop_before_apply:
            self.drop_before_apply -= 1
            from fieldsync_tui.zoho.errors import ZohoConnectionError

            raise ZohoConnectionError("dropped", org=self.label, write_may_have_landed=True)
        results = [self._apply(r) for r in records]
        if self.drop_after_apply:
            self.drop_after_apply -= 1
            from fieldsync_tui.zoho.errors import ZohoConnectionError

            raise ZohoConnectionError("dropped", org=self.label, write_may_have_landed=True)
        return results

    def _apply(self, rec: dict[str, Any]) -> WriteResult:
        rid = str(rec["id"])
        if rid in self.record_errors:
            code, msg = self.record_errors[rid]
            return WriteResult(rid, False, code, msg, {"id": rid})
        if rid not in self.records:
            return WriteResult(rid, False, "INVALID_DATA", "the id given seems to be invalid")
        self.records[rid].update({k: v for k, v in rec.items() if k != "id"})
        return WriteResult(rid, True, "SUCCESS", "record updated", {"id": rid})

    async def search_records(
        self, module: str, criteria: str, fields: Sequence[str] | None = None
    ) -> list[dict[str, Any]]:
        return []
