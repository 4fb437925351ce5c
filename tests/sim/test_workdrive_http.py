"""WorkDrive over HTTP: every limit and error the simulator imitates (ZOHO_WORKDRIVE §4–§5)."""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from fieldsync_tui.simulator import SimConfig, Simulator
from fieldsync_tui.simulator.files_config import FilesConfig

from .conftest import BASE, Api

WD = "/workdrive/api/v1"
ACCEPT = {"Accept": "application/vnd.api+json"}
DISPLAY = re.compile(r"^[A-Z][a-z]{2} \d{2}, \d{2}:\d{2} [AP]M$")


def wd_sim(**switches: Any) -> Simulator:
    return Simulator(SimConfig(real_time=False, files=FilesConfig(**switches)))


class Wd:
    def __init__(self, api: Api) -> None:
        self.api = api
        self.sim = api.sim

    async def headers(self, label: str = "B") -> dict[str, str]:
        return {**await self.api.headers(label), **ACCEPT}

    async def get(self, path: str, label: str = "B", **params: str) -> httpx.Response:
        headers = await self.headers(label)
        return await self.api.client.get(WD + path, params=params, headers=headers)

    async def upload(
        self, parent: str, name: str, data: bytes, *, encode: bool = True, **extra: str
    ) -> httpx.Response:
        fields = {"parent_id": parent, "filename": quote(name, safe="") if encode else name}
        fields.update({"override-name-exist": "false", **extra})
        return await self.api.client.post(
            WD + "/upload",
            data=fields,
            files={"content": ("blob", data, "application/octet-stream")},
            headers=await self.headers(),
        )

    async def patch(self, item: str, attributes: dict[str, Any]) -> httpx.Response:
        body = {"data": {"attributes": attributes, "type": "files"}}
        return await self.api.client.patch(
            f"{WD}/files/{item}", content=json.dumps(body), headers=await self.headers()
        )


@pytest.fixture
async def wd(sim: Simulator) -> AsyncIterator[Wd]:
    async with httpx.AsyncClient(transport=sim.transport(), base_url=BASE) as client:
        yield Wd(Api(sim, client))


@pytest.fixture
async def make_wd() -> AsyncIterator[Any]:
    clients: list[httpx.AsyncClient] = []

    def make(**switches: Any) -> Wd:
        sim = wd_sim(**switches)
        client = httpx.AsyncClient(transport=sim.transport(), base_url=BASE)
        clients.append(client)
        return Wd(Api(sim, client))

    yield make
    for client in clients:
        await client.aclose()


def wd_error(resp: httpx.Response, status: int, error_id: str | None = None) -> str:
    assert resp.status_code == status, resp.text
    errors = resp.json()["errors"]
    assert len(errors) == 1 and set(errors[0]) == {"id", "title"}
    if error_id is not None:
        assert errors[0]["id"] == error_id
    return str(errors[0]["title"])


async def test_415_without_the_json_api_accept_header(wd: Wd) -> None:
    tf = wd.sim.team_folder_id
    headers = await wd.api.headers("B")
    wd_error(await wd.api.client.get(f"{WD}/teamfolders/{tf}", headers=headers), 415)
    post = await wd.api.client.post(f"{WD}/upload", files={"content": b"x"}, headers=headers)
    wd_error(post, 415)
    assert wd.sim.org("B").workdrive.children(tf) == []


@pytest.mark.parametrize("status", [401, 500])
async def test_tokens_missing_or_invalid(make_wd: Any, status: int) -> None:
    wd = make_wd(invalid_token_status=status)
    tf = wd.sim.team_folder_id
    client = wd.api.client
    wd_error(await client.get(f"{WD}/teamfolders/{tf}", headers=ACCEPT), 500, "F000")
    bad = {"Authorization": "Zoho-oauthtoken 1000.dead", **ACCEPT}
    title = wd_error(await client.get(f"{WD}/teamfolders/{tf}", headers=bad), status, "F7003")
    assert title == "Invalid OAuth token."
    bearer = {"Authorization": f"Bearer {await wd.api.token('B')}", **ACCEPT}
    wd_error(await client.get(f"{WD}/teamfolders/{tf}", headers=bearer), 500, "F000")


async def test_r008_for_unknown_ids_and_other_orgs_items(wd: Wd) -> None:
    tf = wd.sim.team_folder_id
    assert wd_error(await wd.get("/files/ly9zm" + "0" * 32), 401, "R008") == "Unauthorized access"
    wd_error(await wd.get(f"/files/{tf}", label="A"), 401, "R008")
    wd_error(await wd.get("/teamfolders/ly9zm" + "0" * 32), 401, "R008")
    wd_error(await wd.get("/nothing/here"), 404, "F6016")


async def test_team_folder_gives_its_team(wd: Wd) -> None:
    tf = wd.sim.team_folder_id
    data = (await wd.get(f"/teamfolders/{tf}")).json()["data"]
    assert data["id"] == tf and data["type"] == "teamfolders"
    assert data["attributes"]["parent_id"] == wd.sim.org("B").workdrive.team_id
    assert re.fullmatch(r"[a-z0-9]{37}", tf)


async def test_listing_limits_order_and_shape(wd: Wd) -> None:
    drive = wd.sim.org("B").workdrive
    tf = wd.sim.team_folder_id
    for i in range(60):
        drive.add_folder(tf, f"F{i:02d}", modified_ms=1_700_000_000_000 + i * 1000)
    drive.add_folder(tf, "Gone", trashed=True, modified_ms=1_600_000_000_000)
    first = (await wd.get(f"/files/{tf}/files")).json()
    assert set(first) == {"data", "links"} and "has_next" not in json.dumps(first["links"])
    assert len(first["data"]) == 50
    names = [d["attributes"]["name"] for d in first["data"]]
    assert names[:2] == ["F59", "F58"]  # newest first by default
    attributes = first["data"][0]["attributes"]
    assert DISPLAY.fullmatch(attributes["modified_time"]), attributes["modified_time"]
    assert attributes["modified_time_in_millisecond"] == 1_700_000_059_000
    assert attributes["type"] == "folder" and attributes["resource_type"] == 1001
    assert attributes["is_folder"] is False  # the CONFLICT sample: wrong by default
    by_name = await wd.get(f"/files/{tf}/files", **{"sort": "name", "page[offset]": "50"})
    rest = [d["attributes"] for d in by_name.json()["data"]]
    assert [a["name"] for a in rest][:2] == ["F50", "F51"] and rest[-1]["name"] == "Gone"
    assert rest[-1]["status"] == 51
    assert wd_error(await wd.get(f"/files/{tf}/files", **{"page[limit]": "51"}), 400)
    wd_error(await wd.get(f"/files/{tf}/files", **{"page[limit]": "0"}), 400)
    wd_error(await wd.get(f"/files/{tf}/files", sort="size"), 400)
    wd_error(await wd.get(f"/files/{tf}/files", **{"filter[type]": "bogus"}), 400)


async def test_limit_over_50_clamped_by_switch(make_wd: Any) -> None:
    wd = make_wd(page_limit_over_max="clamp", is_folder="missing", trashed_in_listing=False)
    tf = wd.sim.team_folder_id
    drive = wd.sim.org("B").workdrive
    for i in range(55):
        drive.add_folder(tf, f"F{i}")
    drive.add_folder(tf, "Gone", trashed=True)
    data = (await wd.get(f"/files/{tf}/files", **{"page[limit]": "200"})).json()["data"]
    assert len(data) == 50 and all("is_folder" not in d["attributes"] for d in data)
    rest = (await wd.get(f"/files/{tf}/files", **{"page[offset]": "50"})).json()["data"]
    assert len(rest) == 5


async def test_filter_type_folder_and_files(wd: Wd) -> None:
    drive = wd.sim.org("B").workdrive
    tf = wd.sim.team_folder_id
    drive.add_folder(tf, "Folder")
    drive.add_file(tf, "file.pdf", 3)
    folders = (await wd.get(f"/files/{tf}/files", **{"filter[type]": "folder"})).json()["data"]
    files = (await wd.get(f"/files/{tf}/files", **{"filter[type]": "allfiles"})).json()["data"]
    assert [d["attributes"]["name"] for d in folders] == ["Folder"]
    assert [d["attributes"]["name"] for d in files] == ["file.pdf"]
    assert files[0]["attributes"]["storage_info"]["size_in_bytes"] == 3


async def test_root_listing_refused_by_switch_and_listed_the_other_way(make_wd: Any) -> None:
    wd = make_wd(root_listing="refused", is_folder="right")
    tf = wd.sim.team_folder_id
    sub = wd.sim.org("B").workdrive.add_folder(tf, "Sub")
    wd.sim.org("B").workdrive.add_folder(sub, "Deeper")
    wd_error(await wd.get(f"/files/{tf}/files"), 404, "F6016")
    data = (await wd.get(f"/teamfolders/{tf}/folders")).json()["data"]
    assert [d["id"] for d in data] == [sub] and data[0]["attributes"]["is_folder"] is True
    assert len((await wd.get(f"/files/{sub}/files")).json()["data"]) == 1


async def test_upload_answer_shape(wd: Wd) -> None:
    tf = wd.sim.team_folder_id
    folder = wd.sim.org("B").workdrive.add_folder(tf, "Acme")
    resp = await wd.upload(folder, "Ärger & Co: 100% ✓.pdf", b"hello")
    assert resp.status_code == 200
    data = resp.json()["data"]
    assert isinstance(data, list) and "id" not in data[0] and data[0]["type"] == "files"
    attributes = data[0]["attributes"]
    assert attributes["FileName"] == "Ärger & Co: 100% ✓.pdf" and attributes["parent_id"] == folder
    assert attributes["Permalink"].endswith("/file/" + attributes["resource_id"])
    info = json.loads(attributes["File INFO"])
    assert info["MD5_CHECKSUM"] == hashlib.md5(b"hello").hexdigest() and info["size"] == 5
    stored = wd.sim.org("B").workdrive.get(attributes["resource_id"])
    assert stored is not None and stored.content is None  # name + size + MD5 only


async def test_a_fresh_uploads_size_can_lag_by_switch(make_wd: Any) -> None:
    wd = make_wd(size_hidden_for_s=30)
    folder = wd.sim.org("B").workdrive.add_folder(wd.sim.team_folder_id, "Acme")
    resource = (await wd.upload(folder, "a.bin", b"12345")).json()["data"][0]["attributes"]
    assert json.loads(resource["File INFO"])["size"] == 5  # the answer itself knows
    size = "storage_info"
    item = (await wd.get(f"/files/{resource['resource_id']}")).json()["data"]["attributes"]
    assert item[size]["size_in_bytes"] == 0
    wd.sim.clock.advance(31)
    listing = (await wd.get(f"/files/{folder}/files")).json()["data"]
    assert listing[0]["attributes"][size]["size_in_bytes"] == 5


async def test_upload_as_query_params_and_names_kept_encoded_by_switch(make_wd: Any) -> None:
    wd = make_wd(names_url_encoded=True)
    folder = wd.sim.org("B").workdrive.add_folder(wd.sim.team_folder_id, "Acme")
    params = {"parent_id": folder, "filename": quote("ü.txt"), "override-name-exist": "false"}
    resp = await wd.api.client.post(
        WD + "/upload", params=params, files={"content": b"x"}, headers=await wd.headers()
    )
    assert resp.json()["data"][0]["attributes"]["FileName"] == "%C3%BC.txt"


async def test_upload_errors(wd: Wd) -> None:
    drive = wd.sim.org("B").workdrive
    folder = drive.add_folder(wd.sim.team_folder_id, "Acme")
    gone = drive.add_folder(wd.sim.team_folder_id, "Gone", trashed=True)
    no_content = await wd.api.client.post(
        WD + "/upload",
        data={"parent_id": folder, "filename": "a"},
        files={"x": b"1"},
        headers=await wd.headers(),
    )
    wd_error(no_content, 400)
    wd_error(await wd.upload("ly9zm" + "0" * 32, "a.txt", b"1"), 401, "R008")
    wd_error(await wd.upload(gone, "a.txt", b"1"), 401, "R008")
    wd_error(await wd.upload(folder, "a%FF.txt", b"1", encode=False), 400)
    wd_error(await wd.upload(folder, "a/b.txt", b"1"), 400)
    assert (await wd.upload(folder, "Same.txt", b"1")).status_code == 200
    assert "same name" in wd_error(await wd.upload(folder, "same.TXT", b"2"), 409)
    assert [c.name for c in drive.children(folder)] == ["Same.txt"]
    again = await wd.upload(folder, "same.txt", b"2", **{"override-name-exist": "true"})
    assert again.json()["data"][0]["attributes"]["FileName"] == "Same.txt"  # a new version


async def test_413_over_250_mb_without_reading_the_body(wd: Wd) -> None:
    folder = wd.sim.org("B").workdrive.add_folder(wd.sim.team_folder_id, "Acme")
    sent = 0

    async def body() -> AsyncIterator[bytes]:
        nonlocal sent
        for _ in range(300):
            sent += 1
            yield b"\0" * (1024 * 1024)

    headers = {
        **await wd.headers(),
        "Content-Type": "multipart/form-data; boundary=xyz",
        "Content-Length": str(300 * 1024 * 1024),
    }
    resp = await wd.api.client.post(
        WD + "/upload", params={"parent_id": folder}, content=body(), headers=headers
    )
    wd_error(resp, 413)
    assert sent <= 2


async def test_413_when_the_streamed_file_grows_past_the_limit(make_wd: Any) -> None:
    wd = make_wd(upload_max_bytes=1000)
    folder = wd.sim.org("B").workdrive.add_folder(wd.sim.team_folder_id, "Acme")
    wd_error(await wd.upload(folder, "a.bin", b"1" * 1001), 413)
    assert (await wd.upload(folder, "a.bin", b"1" * 1000)).status_code == 200


async def test_clash_modes(make_wd: Any) -> None:
    wd = make_wd(clash_mode="suffix", clash_case_insensitive=False)
    folder = wd.sim.org("B").workdrive.add_folder(wd.sim.team_folder_id, "Acme")
    await wd.upload(folder, "a.txt", b"1")
    assert (await wd.upload(folder, "A.txt", b"1")).status_code == 200  # case-sensitive
    name = (await wd.upload(folder, "a.txt", b"1")).json()["data"][0]["attributes"]["FileName"]
    assert re.fullmatch(r"a \d\d-\d\d-\d{4} \d\d:\d\d:\d\d:\d{3}\.txt", name), name
    wd = make_wd(clash_mode="version")
    folder = wd.sim.org("B").workdrive.add_folder(wd.sim.team_folder_id, "Acme")
    first = (await wd.upload(folder, "a.txt", b"1")).json()["data"][0]["attributes"]
    second = (await wd.upload(folder, "A.TXT", b"22")).json()["data"][0]["attributes"]
    assert first["resource_id"] == second["resource_id"] and second["FileName"] == "a.txt"


async def test_patch_trash_and_rename(wd: Wd) -> None:
    drive = wd.sim.org("B").workdrive
    folder = drive.add_folder(wd.sim.team_folder_id, "Acme")
    a = drive.add_file(folder, "a.txt", 1)
    drive.add_file(folder, "b.txt", 1)
    wd_error(await wd.patch(a, {"name": "B.TXT"}), 409)
    assert (await wd.patch(a, {"name": "c.txt"})).json()["data"]["attributes"]["name"] == "c.txt"
    trashed = await wd.patch(a, {"status": "51"})
    assert trashed.json()["data"]["attributes"]["status"] == 51
    wd_error(await wd.patch(a, {"status": "2"}), 400)
    wd_error(await wd.patch(a, {}), 400)
    wd_error(await wd.patch("ly9zm" + "0" * 32, {"status": "51"}), 401, "R008")


async def test_search_is_fuzzy_and_lags(wd: Wd) -> None:
    drive = wd.sim.org("B").workdrive
    tf = wd.sim.team_folder_id
    drive.add_folder(tf, "Acme Holdings")
    drive.add_folder(tf, "Acme")
    team = drive.team_id
    params = {"search[name]": "acme", "filter[type]": "folder", "filter[teamFolder]": tf}
    assert (await wd.get(f"/teams/{team}/records", **params)).json()["data"] == []  # lag
    wd.sim.clock.advance(60)
    data = (await wd.get(f"/teams/{team}/records", **params)).json()
    assert sorted(d["attributes"]["name"] for d in data["data"]) == ["Acme", "Acme Holdings"]
    assert data["links"]["cursor"]["has_next"] is False
    wd_error(await wd.get(f"/teams/{team}/records"), 400)


@pytest.mark.parametrize(("status", "error_id"), [(402, "F9002"), (507, "F9007"), (509, "F9009")])
async def test_injected_failures_use_the_errors_envelope(
    wd: Wd, status: int, error_id: str
) -> None:
    wd.sim.faults.fail_next(1, status, path_contains="/workdrive/")
    wd_error(await wd.get(f"/teamfolders/{wd.sim.team_folder_id}"), status, error_id)


async def test_429_carries_retry_after(wd: Wd) -> None:
    wd.sim.faults.fail_next(1, 429, path_contains="/workdrive/")
    resp = await wd.get(f"/teamfolders/{wd.sim.team_folder_id}")
    wd_error(resp, 429)
    assert resp.headers["retry-after"] == "1"


@pytest.mark.parametrize("after", [False, True])
async def test_dropped_upload_before_or_after_it_is_stored(wd: Wd, after: bool) -> None:
    folder = wd.sim.org("B").workdrive.add_folder(wd.sim.team_folder_id, "Acme")
    await wd.api.token("B")
    wd.sim.faults.drop_next(1, after_apply=after, path_contains="/upload")
    with pytest.raises(httpx.TransportError):
        await wd.upload(folder, "x.txt", b"123")
    names = [c.name for c in wd.sim.org("B").workdrive.children(folder)]
    assert names == (["x.txt"] if after else [])


async def test_revoked_tokens_and_latency(wd: Wd) -> None:
    tf = wd.sim.team_folder_id
    assert (await wd.get(f"/teamfolders/{tf}")).status_code == 200
    wd.sim.faults.latency(60)
    started = time.monotonic()
    assert (await wd.get(f"/teamfolders/{tf}")).status_code == 200
    assert time.monotonic() - started >= 0.06
    wd.sim.faults.revoke_tokens("B")
    wd_error(await wd.get(f"/teamfolders/{tf}"), 401, "F7003")
