"""One simulated Zoho org: identity, credentials, modules and direct (non-HTTP) record access."""

from __future__ import annotations

import threading
from typing import Any

from fieldsync_tui.simulator.attachments import AttachmentStore
from fieldsync_tui.simulator.clock import SimClock, iso
from fieldsync_tui.simulator.config import SimConfig
from fieldsync_tui.simulator.store import (
    ModuleStore,
    SimField,
    empty_to_none,
    recompute,
)
from fieldsync_tui.simulator.workdrive import Drive

API_USER = {"A": "Patricia Boyle", "B": "Kate Morgan"}
OTHER_USER = "Another User"


class SimOrg:
    """An org's data and credentials. Public methods are safe to call from test code."""

    def __init__(self, label: str, config: SimConfig, clock: SimClock, prefix: str) -> None:
        self.label = label
        self.org_id = f"{prefix}{ord(label)}"
        self.name = f"Simulated Org {label}"
        self.client_id = f"1000.SIM{label}CLIENT{prefix}"
        self.client_secret = f"sim-{label.lower()}-secret-not-real"
        self.refresh_token = f"1000.sim{label.lower()}refresh.{prefix}notreal"
        self.domain_name = f"org{prefix}"
        self.config = config
        self.clock = clock
        self.lock = threading.RLock()
        self.modules: dict[str, ModuleStore] = {}
        self.locked: set[tuple[str, str]] = set()
        self.locked_once: set[tuple[str, str]] = set()
        """Records that refuse the next write (RECORD_LOCKED), then accept writes again."""
        self._prefix = prefix
        self._next_id = 1_000_000_001
        self._next_field = 2_000_001
        user_id = self.new_id()
        self.api_user = {"name": API_USER.get(label, "API User"), "id": user_id}
        self.other_user = {"name": OTHER_USER, "id": self.new_id()}
        self._build_default_module()
        self.attachments = AttachmentStore(self.new_id, lambda: iso(self.clock.now()))
        self.workdrive = Drive(label, config.files, clock, config.seed)

    # --- ids ---
    def new_id(self) -> str:
        """Next 19-digit record id (org prefix + counter), increasing in creation order."""
        with self.lock:
            value = self._next_id
            self._next_id += 1
        return f"{self._prefix}{value:012d}"

    def reserve_ids(self, count: int) -> list[str]:
        """``count`` consecutive new ids (bulk loading)."""
        with self.lock:
            first = self._next_id
            self._next_id += count
        return [f"{self._prefix}{value:012d}" for value in range(first, first + count)]

    def _field_id(self) -> str:
        self._next_field += 1
        return f"{self._prefix}{self._next_field:012d}"

    # --- modules and fields ---
    def _build_default_module(self) -> None:
        cfg = self.config
        store = self.add_module(cfg.module, cfg.name_field)
        folder_len = cfg.folder_length_a if self.label == "A" else cfg.folder_length_b
        self.set_field(cfg.module, cfg.url_field, data_type="website", length=cfg.url_length)
        self.set_field(cfg.module, cfg.folder_field, data_type="text", length=folder_len)
        self.set_field(cfg.module, cfg.checkbox_field, data_type="boolean", length=5)
        self.set_field(
            cfg.module,
            cfg.updated_from_field,
            data_type=cfg.updated_from_type,
            length=cfg.updated_from_length,
            pick_list=cfg.updated_from_options,
        )
        store.touch()

    def add_module(self, module: str, name_field: str = "Name") -> ModuleStore:
        """Create a module: ``Contacts`` gets Zoho's standard name fields, others ``name_field``."""
        with self.lock:
            if module in self.modules:
                return self.modules[module]
            contacts = module == "Contacts"
            store = ModuleStore(module, name_field)
            store.view_id = self._field_id()
            self.modules[module] = store
            if contacts:
                self._std(store, "First_Name", "text", 40)
                self._std(store, "Last_Name", "text", 80, mandatory=True)
                self._std(store, "Full_Name", "text", 120, read_only=True)
                self._std(store, "Email", "email", 100)
                self._std(store, "Phone", "phone", 30)
            else:
                self._std(store, name_field, "text", 120, mandatory=True)
            if contacts and name_field not in store.fields:
                self.set_field(module, name_field, data_type="text", length=255)
            self._std(store, "Created_Time", "datetime", None, read_only=True)
            self._std(store, "Modified_Time", "datetime", None, read_only=True)
            self._std(store, "Created_By", "ownerlookup", None, read_only=True)
            self._std(store, "Modified_By", "ownerlookup", None, read_only=True)
            return store

    def _std(
        self,
        store: ModuleStore,
        api_name: str,
        data_type: str,
        length: int | None,
        *,
        mandatory: bool = False,
        read_only: bool = False,
    ) -> None:
        store.set_field(
            SimField(
                api_name,
                data_type,
                self._field_id(),
                length=length,
                read_only=read_only,
                system_mandatory=mandatory,
                custom_field=False,
            )
        )

    def set_field(
        self,
        module: str,
        api_name: str,
        data_type: str = "text",
        length: int | None = 255,
        read_only: bool = False,
        pick_list: tuple[str, ...] | list[str] = (),
    ) -> None:
        """Add or alter a field (creates a custom module named ``module`` if needed)."""
        with self.lock:
            store = self.modules.get(module) or self.add_module(module)
            default: Any = False if data_type == "boolean" else None
            store.set_field(
                SimField(
                    api_name,
                    data_type,
                    self._field_id(),
                    length=length,
                    read_only=read_only,
                    pick_list=tuple(pick_list),
                )
            )
            for record in store.records.values():
                record.setdefault(api_name, default)

    def module(self, module: str | None = None) -> ModuleStore:
        name = module or self.config.module
        try:
            return self.modules[name]
        except KeyError:
            raise KeyError(f"no module {name!r} in org {self.label}") from None

    # --- records ---
    def make_record(self, store: ModuleStore, values: dict[str, Any], rid: str) -> dict[str, Any]:
        """A complete stored record from caller values (system fields may be overridden)."""
        now = iso(self.clock.now())
        record: dict[str, Any] = {}
        for name, field in store.fields.items():
            record[name] = False if field.data_type == "boolean" else None
        record.update(
            id=rid,
            Created_Time=now,
            Modified_Time=now,
            Created_By=dict(self.other_user),
            Modified_By=dict(self.other_user),
        )
        for key, value in values.items():
            meta = store.fields.get(key)
            if meta is None:
                raise KeyError(f"unknown field {key!r} in module {store.name}")
            record[key] = empty_to_none(meta, value)
        if "Full_Name" in values and store.is_contacts_like and "Last_Name" not in values:
            record["Last_Name"], record["First_Name"] = record["Full_Name"], None
        recompute(store, record)
        return record

    def add_record(self, values: dict[str, Any], module: str | None = None) -> str:
        """Create a record directly (no validation, no credits); returns its id.

        ``values`` use API names; ``Created_Time``/``Modified_Time`` may be given as ISO text.
        For Contacts, a ``Full_Name`` alone becomes ``Last_Name`` (kept byte for byte).
        """
        with self.lock:
            store = self.module(module)
            rid = self.new_id()
            store.insert(self.make_record(store, values, rid))
            return rid

    def records(self, module: str | None = None) -> dict[str, dict[str, Any]]:
        """``id -> values`` (deep enough copies) in ascending id order."""
        with self.lock:
            store = self.module(module)
            return {rid: _copy(store.records[rid]) for rid in store.ids}

    def get(self, rid: str, module: str | None = None) -> dict[str, Any] | None:
        with self.lock:
            record = self.module(module).records.get(rid)
            return _copy(record) if record is not None else None

    def apply_values(
        self, store: ModuleStore, rid: str, values: dict[str, Any], user: dict[str, str]
    ) -> dict[str, Any]:
        """Change a record's values and move its Modified_Time; returns the stored record."""
        with self.lock:
            record = store.records[rid]
            for key, value in values.items():
                record[key] = empty_to_none(store.fields[key], value)
            recompute(store, record)
            record["Modified_Time"] = iso(self.clock.now())
            record["Modified_By"] = dict(user)
            store.touch()
            return record

    def edit_as_other_user(
        self, rid: str, values: dict[str, Any], module: str | None = None
    ) -> None:
        """Another CRM user edits the record (values + Modified_Time change)."""
        store = self.module(module)
        if rid not in store.records:
            raise KeyError(f"no record {rid} in org {self.label}")
        unknown = [k for k in values if k not in store.fields]
        if unknown:
            raise KeyError(f"unknown fields {unknown} in module {store.name}")
        self.apply_values(store, rid, values, self.other_user)

    def delete_record(self, rid: str, module: str | None = None) -> None:
        with self.lock:
            if not self.module(module).remove(rid):
                raise KeyError(f"no record {rid} in org {self.label}")

    def lock_record(self, rid: str, module: str | None = None) -> None:
        with self.lock:
            self.locked.add((self.module(module).name, rid))

    def lock_once(self, rid: str, module: str | None = None) -> None:
        """The record refuses the next write with RECORD_LOCKED (as while another user's
        approval process holds it), then is free again: a retry succeeds."""
        with self.lock:
            self.locked_once.add((self.module(module).name, rid))

    def take_lock_once(self, key: tuple[str, str]) -> bool:
        """True (and the lock is gone) when ``key`` was locked for one write."""
        with self.lock:
            if key not in self.locked_once:
                return False
            self.locked_once.discard(key)
            return True

    def unlock_record(self, rid: str, module: str | None = None) -> None:
        with self.lock:
            self.locked.discard((self.module(module).name, rid))


def _copy(record: dict[str, Any]) -> dict[str, Any]:
    return {k: dict(v) if isinstance(v, dict) else v for k, v in record.items()}
