"""``Simulator``: two orgs, an accounts server, limits, faults and stats behind one ASGI app."""

from __future__ import annotations

from fieldsync_tui.simulator.app import SimApp
from fieldsync_tui.simulator.auth import Authority
from fieldsync_tui.simulator.bulk_jobs import BulkJobs
from fieldsync_tui.simulator.clock import SimClock
from fieldsync_tui.simulator.config import SimConfig
from fieldsync_tui.simulator.faults import Faults
from fieldsync_tui.simulator.files_setup import install_files
from fieldsync_tui.simulator.limits import ConcurrencyGate, CreditLedger
from fieldsync_tui.simulator.org import SimOrg
from fieldsync_tui.simulator.paging import PageTokens
from fieldsync_tui.simulator.stats import Stats
from fieldsync_tui.simulator.transfers import Transfers
from fieldsync_tui.simulator.transport import SimTransport
from fieldsync_tui.simulator.wd_app import FilesRouter, WorkDriveApp

ORG_PREFIXES = {"A": "5725767", "B": "6180334"}


class Simulator:
    """A strict imitation of Zoho CRM for two orgs, "A" and "B"."""

    def __init__(self, config: SimConfig | None = None) -> None:
        self.config = config or SimConfig()
        self.clock = SimClock(self.config.start_time, self.config.real_time)
        self._orgs = {
            label: SimOrg(label, self.config, self.clock, prefix)
            for label, prefix in ORG_PREFIXES.items()
        }
        self.authority = Authority(self.config, self.clock, self._orgs)
        self.ledger = CreditLedger(self.config.credits_per_day, self.clock)
        self.gate = ConcurrencyGate(self.config.concurrency_cap, self.config.sub_concurrency_cap)
        self.page_tokens = PageTokens(self.clock, self.config.seed)
        self.stats = Stats()
        self.bulk = BulkJobs(self.clock)
        self.faults = Faults(self.authority, self.ledger, self._orgs, self.config.latency_ms)
        self.transfers = Transfers()
        self.team_folder_id = install_files(self._orgs, self.config)
        self.workdrive = WorkDriveApp(
            config=self.config.files,
            authority=self.authority,
            faults=self.faults,
            transfers=self.transfers,
            drives={label: org.workdrive for label, org in self._orgs.items()},
            stats=self.stats,
            now=self.clock.now,
        )
        self.asgi = FilesRouter(self.workdrive, SimApp(self))

    def org(self, label: str) -> SimOrg:
        """Org "A" or "B"."""
        return self._orgs[label]

    def transport(self) -> SimTransport:
        """An httpx async transport that calls the app in-process."""
        return SimTransport(self.asgi)

    def env(self, base_url: str) -> dict[str, str]:
        """A complete ``.env`` (DESIGN.md §3) pointing both orgs at ``base_url``."""
        cfg = self.config
        env = {"ZOHO_REGION": "com"}
        for label, org in self._orgs.items():
            env[f"ORG_{label}_CLIENT_ID"] = org.client_id
            env[f"ORG_{label}_CLIENT_SECRET"] = org.client_secret
            env[f"ORG_{label}_REFRESH_TOKEN"] = org.refresh_token
            env[f"ORG_{label}_ACCOUNTS_URL"] = base_url
            env[f"ORG_{label}_API_URL"] = base_url
        env.update(
            CRM_MODULE_API_NAME=cfg.module,
            CRM_CHECKBOX_FIELD_API_NAME=cfg.checkbox_field,
            CRM_RECORD_NAME_FIELD_API_NAME=cfg.name_field,
            CRM_WORKDRIVE_URL_FIELD_API_NAME=cfg.url_field,
            CRM_WORKDRIVE_FOLDER_ID_FIELD_API_NAME=cfg.folder_field,
            CRM_RECORD_UPDATED_FROM_FIELD_API_NAME=cfg.updated_from_field,
            ORG_B_TEAM_FOLDER_ID=self.team_folder_id,
            CRM_FILES_CHECKBOX_FIELD_API_NAME=cfg.files.files_checkbox_field,
        )
        if cfg.updated_from_type == "picklist" and cfg.updated_from_options:
            env["CRM_RECORD_UPDATED_FROM_VALUE"] = cfg.updated_from_options[0]
        return env
