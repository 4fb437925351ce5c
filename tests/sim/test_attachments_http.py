"""CRM Attachments endpoints over HTTP: Zoho's errors and limits (ZOHO_WORKDRIVE §1–§2)."""

from __future__ import annotations

import dataclasses
import time
from urllib.parse import quote

import httpx
import pytest

from fieldsync_tui.simulator import SimConfig, Simulator
from fieldsync_tui.simulator.files_config import FilesConfig

from .conftest import BASE, Api, assert_error

PATH = "/crm/v8/Contacts/{rid}/Attachments"


def _with(sim: Simulator, rid: str) -> tuple[str, str]:
    org = sim.org("A")
    file_id = org.attachments.add_file(rid, 'Q1 "final"; r=1 ü.pdf', 70_000, seed=3)
    link_id = org.attachments.add_link(rid, "Google", "https://www.google.com")
    return file_id, link_id


async def test_fields_is_mandatory(api: Api, sim: Simulator) -> None:
    rid = sim.org("A").add_record({"Full_Name": "Acme"})
    body = assert_error(await api.get(PATH.format(rid=rid)), 400, "REQUIRED_PARAM_MISSING")
    assert body["details"] == {"param_name": "fields"}
    assert body["message"] == "One of the expected parameter is missing"


async def test_only_the_fields_asked_come_back(api: Api, sim: Simulator) -> None:
    rid = sim.org("A").add_record({"Full_Name": "Acme"})
    file_id, link_id = _with(sim, rid)
    resp = await api.get(PATH.format(rid=rid), fields="File_Name,Size,$type,$link_url")
    assert resp.status_code == 200
    data = resp.json()["data"]
    assert data == [
        {
            "File_Name": 'Q1 "final"; r=1 ü.pdf',
            "Size": "70000",
            "$type": "File",
            "$link_url": None,
            "id": file_id,
        },
        {
            "File_Name": "Google",
            "Size": "0",
            "$type": "Link URL",
            "$link_url": "https://www.google.com",
            "id": link_id,
        },
    ]
    info = resp.json()["info"]
    assert info["more_records"] is False and info["count"] == 2 and info["per_page"] == 200


async def test_per_page_limits_and_paging(api: Api, sim: Simulator) -> None:
    rid = sim.org("A").add_record({"Full_Name": "Acme"})
    for i in range(5):
        sim.org("A").attachments.add_file(rid, f"{i}.txt", 1)
    path = PATH.format(rid=rid)
    assert_error(await api.get(path, fields="id", per_page="201"), 400, "LIMIT_EXCEEDED")
    assert_error(await api.get(path, fields="id", per_page="0"), 400, "INVALID_DATA")
    page2 = (await api.get(path, fields="id", per_page="2", page="2")).json()
    assert page2["info"]["count"] == 2 and page2["info"]["more_records"] is True
    page3 = (await api.get(path, fields="id", per_page="2", page="3")).json()
    assert page3["info"]["count"] == 1 and page3["info"]["more_records"] is False
    assert (await api.get(path, fields="id", per_page="2", page="4")).status_code == 204


@pytest.mark.parametrize("none", ["204", "200"])
async def test_none_is_204_or_an_empty_list(none: str) -> None:
    sim = Simulator(SimConfig(real_time=False, files=FilesConfig(attachments_none=none)))
    rid = sim.org("A").add_record({"Full_Name": "Acme"})
    async with httpx.AsyncClient(transport=sim.transport(), base_url=BASE) as client:
        resp = await Api(sim, client).get(PATH.format(rid=rid), fields="id")
    if none == "204":
        assert resp.status_code == 204 and resp.content == b""
    else:
        assert resp.status_code == 200 and resp.json()["data"] == []


async def test_wrong_module_or_record(api: Api, sim: Simulator) -> None:
    assert_error(await api.get("/crm/v8/Nope/1/Attachments", fields="id"), 400, "INVALID_MODULE")
    body = assert_error(await api.get(PATH.format(rid="999"), fields="id"), 400, "INVALID_DATA")
    assert "related id" in body["message"]
    resp = await api.client.get(PATH.format(rid="1"), params={"fields": "id"})
    assert resp.status_code == 401


@pytest.mark.parametrize("form", ["quoted", "rfc5987", "both"])
async def test_download_gives_the_bytes_and_a_disposition(form: str) -> None:
    config = SimConfig(real_time=False, files=FilesConfig(content_disposition=form))
    sim = Simulator(config)
    rid = sim.org("A").add_record({"Full_Name": "Acme"})
    file_id, _ = _with(sim, rid)
    async with httpx.AsyncClient(transport=sim.transport(), base_url=BASE) as client:
        resp = await Api(sim, client).get(PATH.format(rid=rid) + f"/{file_id}")
    content = sim.org("A").attachments.get(file_id).content  # type: ignore[union-attr]
    assert content is not None and resp.content == content.read()
    assert resp.headers["content-length"] == "70000"
    assert resp.headers["content-type"] == "application/octet-stream"
    disposition = resp.headers["content-disposition"]
    encoded = "filename*=UTF-8''" + quote('Q1 "final"; r=1 ü.pdf', safe="")
    if form == "quoted":
        assert disposition == 'attachment; filename="Q1 \\"final\\"; r=1 ü.pdf"'
    else:
        assert disposition.endswith(encoded)


async def test_a_link_cannot_be_downloaded(api: Api, sim: Simulator) -> None:
    rid = sim.org("A").add_record({"Full_Name": "Acme"})
    _, link_id = _with(sim, rid)
    body = assert_error(
        await api.get(PATH.format(rid=rid) + f"/{link_id}"), 400, "DOWNLOAD_NOT_ALLOWED"
    )
    assert body["message"] == "As it is a linked attachment, you can not download it"


async def test_an_unknown_attachment_is_204(api: Api, sim: Simulator) -> None:
    rid = sim.org("A").add_record({"Full_Name": "Acme"})
    other = sim.org("A").add_record({"Full_Name": "Other"})
    file_id, _ = _with(sim, rid)
    assert (await api.get(PATH.format(rid=rid) + "/123")).status_code == 204
    assert (await api.get(PATH.format(rid=other) + f"/{file_id}")).status_code == 204


async def test_bandwidth_cap_makes_a_transfer_take_real_time(api: Api, sim: Simulator) -> None:
    rid = sim.org("A").add_record({"Full_Name": "Acme"})
    file_id, _ = _with(sim, rid)
    await api.token("A")
    sim.transfers.cap_bandwidth(350_000)
    started = time.monotonic()
    resp = await api.get(PATH.format(rid=rid) + f"/{file_id}")
    assert len(resp.content) == 70_000 and time.monotonic() - started >= 0.15


async def test_a_cut_download_fails_midway_and_a_short_one_ends_clean(
    api: Api, sim: Simulator
) -> None:
    rid = sim.org("A").add_record({"Full_Name": "Acme"})
    file_id, _ = _with(sim, rid)
    path = PATH.format(rid=rid) + f"/{file_id}"
    sim.transfers.cut_next(1, after_bytes=1000)
    with pytest.raises(httpx.ReadError):
        await api.get(path)
    sim.transfers.short_next(1, after_bytes=1000)
    resp = await api.get(path)
    assert resp.status_code == 200 and len(resp.content) == 1000
    assert resp.headers["content-length"] == "1000"


async def test_a_held_download_waits_for_release(api: Api, sim: Simulator) -> None:
    import asyncio

    rid = sim.org("A").add_record({"Full_Name": "Acme"})
    file_id, _ = _with(sim, rid)
    await api.token("A")
    sim.transfers.hold_next(1, path_contains="/Attachments/")
    task = asyncio.create_task(api.get(PATH.format(rid=rid) + f"/{file_id}"))
    for _ in range(100):
        await asyncio.sleep(0.01)
        if sim.transfers.held:
            break
    assert sim.transfers.held == 1 and not task.done()
    sim.transfers.release()
    assert (await task).status_code == 200


def test_files_switches_are_a_separate_frozen_block() -> None:
    config = SimConfig()
    assert isinstance(config.files, FilesConfig)
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.files.clash_mode = "version"  # type: ignore[misc]
