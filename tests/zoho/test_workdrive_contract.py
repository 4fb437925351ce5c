"""WorkDrive client against the simulator, under every WorkDrive switch (ZOHO_WORKDRIVE §4–§5)."""

from __future__ import annotations

import hashlib
import io
import unicodedata
from pathlib import Path

import pytest

from fieldsync_tui.simulator import Simulator
from fieldsync_tui.simulator.names import HOSTILE_EXACT
from fieldsync_tui.zoho.errors import (
    UploadMayHaveLandedError,
    ZohoAuthenticationError,
    ZohoLicenceError,
    ZohoMediaTypeError,
    ZohoNameClashError,
    ZohoNoAccessError,
    ZohoScopeError,
    ZohoStorageFullError,
    ZohoTooLargeError,
)
from fieldsync_tui.zoho.workdrive import WorkDrive

from .conftest import FakeClock
from .simfiles import MakeClient, clients, files_sim

__all__ = ["clients"]

NAMES = (  # as the job's destination names make them: no "/" (DESIGN §9.4)
    *(n.replace("/", "_") for n in HOSTILE_EXACT if "\x1b" not in n),
    unicodedata.normalize("NFD", "Café Müller.pdf"),
    "Straße 東京 ✓.txt",
    "a+b=c&d?e#f.txt",
    "%E2%9C%93 looks encoded.txt",
    "   spaced   .txt",
)


def _wd(sim: Simulator, clients: MakeClient, **overrides: object) -> WorkDrive:
    return WorkDrive(clients(sim, "B", **overrides))


def _folder(sim: Simulator, name: str = "Acme") -> str:
    return sim.org("B").workdrive.add_folder(sim.team_folder_id, name)


@pytest.mark.parametrize("over_max", ["error", "clamp"])
@pytest.mark.parametrize("root", ["ok", "refused"])
@pytest.mark.parametrize("is_folder", ["right", "missing", "wrong"])
async def test_130_sub_folders_page_past_50(
    clients: MakeClient, over_max: str, root: str, is_folder: str
) -> None:
    sim = files_sim(page_limit_over_max=over_max, root_listing=root, is_folder=is_folder)
    drive = sim.org("B").workdrive
    tf = sim.team_folder_id
    made = {drive.add_folder(tf, f"Client {i:03d}", modified_ms=1_000 + i) for i in range(130)}
    drive.add_folder(tf, "Trashed client", trashed=True)
    drive.add_file(tf, "loose.pdf", 10)
    deeper = next(iter(made))
    drive.add_folder(deeper, "Client 999")  # deeper: never listed with the root
    folders = await _wd(sim, clients).list_folder(tf, folders_only=True)
    assert {f.id for f in folders} == made
    assert all(f.is_folder and not f.trashed for f in folders)
    assert [f.name for f in folders] == [f"Client {i:03d}" for i in range(130)]
    assert {f.modified_ms for f in folders} == {1_000 + i for i in range(130)}
    listings = sim.stats.call_count("B", "/files") + sim.stats.call_count("B", "/folders")
    assert listings == (3 if root == "ok" else 4)  # 50 + 50 + 30 (+ the refused one)


@pytest.mark.parametrize(("count", "window", "calls"), [(130, 4, 5), (150, 3, 4), (48, 5, 1)])
async def test_a_large_folder_is_listed_in_windows_of_pages(
    clients: MakeClient, count: int, window: int, calls: int
) -> None:
    """Pages past the first asked ``window`` at a time, read in order up to the first short
    page: every folder once, by name, trash left out; a full first page alone first."""
    sim = files_sim()
    drive = sim.org("B").workdrive
    tf = sim.team_folder_id
    made = {drive.add_folder(tf, f"Client {i:03d}") for i in range(count)}
    drive.add_folder(tf, "Client 000 trashed", trashed=True)
    folders = await _wd(sim, clients).list_folder(tf, folders_only=True, window=window)
    assert [f.name for f in folders] == [f"Client {i:03d}" for i in range(count)]
    assert {f.id for f in folders} == made
    assert sim.stats.call_count("B", "/files") == calls  # at most window - 1 past the end


@pytest.mark.parametrize("trashed_listed", [True, False])
async def test_a_folder_lists_files_and_folders_without_trash(
    clients: MakeClient, trashed_listed: bool
) -> None:
    sim = files_sim(trashed_in_listing=trashed_listed)
    drive = sim.org("B").workdrive
    folder = _folder(sim)
    kept = drive.add_file(folder, "a.pdf", 5)
    sub = drive.add_folder(folder, "Sub")
    drive.add_file(folder, "old.pdf", 5, trashed=True)
    items = await _wd(sim, clients).list_folder(folder)
    assert {(i.id, i.is_folder) for i in items} == {(kept, False), (sub, True)}
    assert next(i for i in items if i.id == kept).size == 5


async def test_team_folder_and_item(clients: MakeClient) -> None:
    sim = files_sim()
    wd = _wd(sim, clients)
    team = await wd.team_folder(sim.team_folder_id)
    assert team.name == "Clients" and team.team_id == sim.org("B").workdrive.team_id
    folder = _folder(sim, "Ünïcode ✓")
    item = await wd.get(folder)
    assert item.name == "Ünïcode ✓" and item.is_folder
    assert item.permalink == f"https://workdrive.zoho.com/folder/{folder}"


@pytest.mark.parametrize("encoded", [False, True])
async def test_hostile_names_round_trip_exactly(
    clients: MakeClient, tmp_path: Path, encoded: bool
) -> None:
    sim = files_sim(names_url_encoded=encoded)
    folder = _folder(sim)
    wd = _wd(sim, clients)
    source = tmp_path / "payload"
    source.write_bytes(b"x" * 1234)
    for name in NAMES:
        uploaded = await wd.upload(folder, name, source)
        assert uploaded.name == name and uploaded.parent_id == folder
        assert uploaded.md5 == hashlib.md5(b"x" * 1234).hexdigest() and uploaded.size == 1234
    listed = await wd.list_folder(folder)
    assert sorted(i.name for i in listed) == sorted(NAMES)


async def test_workdrive_costs_no_crm_credits_and_415_is_typed(clients: MakeClient) -> None:
    sim = files_sim()
    client = clients(sim, "B")
    wd = WorkDrive(client)
    await wd.list_folder(_folder(sim))
    assert client.stats.credits == 0 and client.stats.calls == 1
    sim.faults.fail_next(1, 415, path_contains="/workdrive/")
    with pytest.raises(ZohoMediaTypeError, match="Accept"):
        await wd.team_folder(sim.team_folder_id)


async def test_the_stored_md5_is_exposed_for_comparison(clients: MakeClient) -> None:
    sim = files_sim()
    folder = _folder(sim)
    data = bytes(range(256)) * 999
    uploaded = await _wd(sim, clients).upload(folder, "bytes.bin", io.BytesIO(data))
    assert uploaded.md5 == hashlib.md5(data).hexdigest()
    stored = sim.org("B").workdrive.get(uploaded.resource_id)
    assert stored is not None and stored.md5 == uploaded.md5 and stored.size == len(data)
    assert uploaded.info["AUDIT_INFO"] == {"statusCode": "D201"}


@pytest.mark.parametrize("case_insensitive", [True, False])
async def test_409_is_surfaced(clients: MakeClient, case_insensitive: bool) -> None:
    sim = files_sim(clash_case_insensitive=case_insensitive)
    folder = _folder(sim)
    wd = _wd(sim, clients)
    await wd.upload(folder, "Report.PDF", io.BytesIO(b"one"))
    with pytest.raises(ZohoNameClashError) as info:
        await wd.upload(folder, "Report.PDF", io.BytesIO(b"two"))
    assert info.value.status_code == 409 and "already in the folder" in str(info.value)
    if case_insensitive:
        with pytest.raises(ZohoNameClashError):
            await wd.upload(folder, "report.pdf", io.BytesIO(b"two"))
    else:
        assert (await wd.upload(folder, "report.pdf", io.BytesIO(b"two"))).name == "report.pdf"
    assert sim.stats.call_count("B", "/upload") == 3


async def test_suffix_and_version_modes_say_what_they_did(clients: MakeClient) -> None:
    sim = files_sim(clash_mode="suffix")
    folder = _folder(sim)
    wd = _wd(sim, clients)
    first = await wd.upload(folder, "a.txt", io.BytesIO(b"1"))
    second = await wd.upload(folder, "a.txt", io.BytesIO(b"22"))
    assert second.name != "a.txt" and second.name.endswith(".txt")
    assert second.resource_id != first.resource_id
    sim = files_sim(clash_mode="version")
    folder = _folder(sim)
    wd = _wd(sim, clients)
    first = await wd.upload(folder, "a.txt", io.BytesIO(b"1"))
    second = await wd.upload(folder, "a.txt", io.BytesIO(b"22"))
    assert second.resource_id == first.resource_id and second.size == 2
    assert second.info["version"] == 2


@pytest.mark.parametrize("after_store", [True, False])
async def test_a_lost_upload_answer_may_have_landed_and_is_never_resent(
    clients: MakeClient, after_store: bool
) -> None:
    sim = files_sim()
    folder = _folder(sim)
    wd = _wd(sim, clients)
    await wd.get(folder)
    sim.faults.drop_next(1, after_apply=after_store, path_contains="/upload")
    with pytest.raises(UploadMayHaveLandedError, match="may be in the folder") as info:
        await wd.upload(folder, "lost.pdf", io.BytesIO(b"z" * 5000))
    assert info.value.write_may_have_landed
    assert sim.stats.call_count("B", "/upload") == 1  # never resent
    stored = [c.name for c in sim.org("B").workdrive.children(folder)]
    assert stored == (["lost.pdf"] if after_store else [])


async def test_a_5xx_on_upload_is_not_resent_either(clients: MakeClient) -> None:
    sim = files_sim()
    folder = _folder(sim)
    sim.faults.fail_next(1, 502, path_contains="/upload")
    with pytest.raises(UploadMayHaveLandedError):
        await _wd(sim, clients).upload(folder, "x.pdf", io.BytesIO(b"z"))
    assert sim.stats.call_count("B", "/upload") == 1


async def test_a_429_on_upload_is_retried_after_retry_after(
    clients: MakeClient, clock: FakeClock
) -> None:
    sim = files_sim(retry_after=7)
    folder = _folder(sim)
    sim.faults.fail_next(2, 429, path_contains="/upload")
    uploaded = await _wd(sim, clients).upload(folder, "x.pdf", io.BytesIO(b"zz"))
    assert uploaded.size == 2 and clock.sleeps == [7.0, 7.0]
    assert len(sim.org("B").workdrive.children(folder)) == 1


async def test_r008_costs_no_refresh(clients: MakeClient) -> None:
    sim = files_sim()
    wd = _wd(sim, clients)
    await wd.team_folder(sim.team_folder_id)
    for missing in ("ly9zm" + "0" * 32, sim.org("B").workdrive.new_id()):
        with pytest.raises(ZohoNoAccessError, match="ORG_B_TEAM_FOLDER_ID") as info:
            await wd.get(missing)
        assert info.value.code == "R008" and info.value.status_code == 401
    with pytest.raises(ZohoNoAccessError):
        await wd.upload("ly9zm" + "1" * 32, "x.pdf", io.BytesIO(b"z"))
    assert sim.stats.token_refreshes("B") == 1


@pytest.mark.parametrize("status", [401, 500])
async def test_f7003_refreshes_once_at_either_status(clients: MakeClient, status: int) -> None:
    sim = files_sim(invalid_token_status=status)
    folder = _folder(sim)
    wd = _wd(sim, clients)
    await wd.get(folder)
    sim.faults.revoke_tokens("B")
    assert (await wd.get(folder)).id == folder
    sim.faults.revoke_tokens("B")
    uploaded = await wd.upload(folder, "after-refresh.pdf", io.BytesIO(b"abc"))
    assert uploaded.size == 3 and sim.stats.token_refreshes("B") == 3
    assert sim.stats.call_count(None, "/upload") == 2  # the refused one and the resent one


async def test_scope_errors_are_never_refreshed(clients: MakeClient) -> None:
    sim = files_sim()
    wd = _wd(sim, clients)
    await wd.team_folder(sim.team_folder_id)
    sim.faults.fail_next(1, 401, path_contains="/workdrive/")
    with pytest.raises(ZohoScopeError, match="scope") as info:
        await wd.team_folder(sim.team_folder_id)
    assert isinstance(info.value, ZohoAuthenticationError) and info.value.stops_run
    assert sim.stats.token_refreshes("B") == 1


@pytest.mark.parametrize(
    ("status", "error"),
    [(402, ZohoLicenceError), (507, ZohoStorageFullError), (509, ZohoStorageFullError)],
)
async def test_licence_and_storage_stop_the_run(
    clients: MakeClient, status: int, error: type[Exception]
) -> None:
    sim = files_sim()
    folder = _folder(sim)
    sim.faults.fail_next(1, status, path_contains="/upload")
    with pytest.raises(error) as info:
        await _wd(sim, clients).upload(folder, "x.pdf", io.BytesIO(b"z"))
    assert getattr(info.value, "stops_run", False)
    assert sim.stats.call_count("B", "/upload") == 1


async def test_storage_full_for_real_and_413_over_the_limit(clients: MakeClient) -> None:
    sim = files_sim(upload_max_bytes=100_000, org_storage_bytes=150_000)
    folder = _folder(sim)
    wd = _wd(sim, clients)
    with pytest.raises(ZohoTooLargeError, match="250 MB"):
        await wd.upload(folder, "big.bin", io.BytesIO(b"b" * 100_001))
    await wd.upload(folder, "fits.bin", io.BytesIO(b"b" * 100_000))
    with pytest.raises(ZohoStorageFullError):
        await wd.upload(folder, "more.bin", io.BytesIO(b"b" * 60_000))
    assert [c.name for c in sim.org("B").workdrive.children(folder)] == ["fits.bin"]


async def test_trash_moves_a_file_out_of_the_listing(clients: MakeClient) -> None:
    sim = files_sim()
    folder = _folder(sim)
    wd = _wd(sim, clients)
    uploaded = await wd.upload(folder, "undo-me.pdf", io.BytesIO(b"z"))
    assert (await wd.trash(uploaded.resource_id)).trashed
    assert await wd.list_folder(folder) == []
    again = await wd.upload(folder, "undo-me.pdf", io.BytesIO(b"z"))  # the name is free again
    assert again.resource_id != uploaded.resource_id
