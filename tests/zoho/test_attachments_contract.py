"""CrmAttachments against the simulator, under every attachments switch (ZOHO_WORKDRIVE §1–§2)."""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path

import pytest

from fieldsync_tui.simulator import Simulator
from fieldsync_tui.simulator.names import HOSTILE_EXACT
from fieldsync_tui.zoho.attachments import FIELDS, CrmAttachments
from fieldsync_tui.zoho.disposition import filename_of
from fieldsync_tui.zoho.errors import (
    DownloadNotAllowedError,
    IncompleteDownloadError,
    ZohoNotFoundError,
    ZohoServerError,
)
from fieldsync_tui.zoho.workdrive import WorkDrive

from .conftest import FakeClock
from .simfiles import MODULE, MakeClient, clients, files_sim

__all__ = ["clients"]

FILE_NAMES = (
    *HOSTILE_EXACT,
    unicodedata.normalize("NFD", "Café Müller.pdf"),
    "Straße 東京 ✓.txt",
    "a=b; filename=evil.txt",
    'it\'s 100%25 "done".doc',
    "trailing dot.",
)


def _record(sim: Simulator, name: str = "Acme") -> str:
    return sim.org("A").add_record({"Full_Name": name})


@pytest.mark.parametrize("none", ["204", "200"])
async def test_a_record_without_attachments_lists_none_either_way(
    clients: MakeClient, none: str
) -> None:
    sim = files_sim(attachments_none=none)
    rid = _record(sim)
    assert await CrmAttachments(clients(sim, "A")).list(MODULE, rid) == []
    assert sim.stats.call_count("A", "/Attachments") == 1


async def test_list_sends_fields_pages_by_200_and_parses_sizes_and_links(
    clients: MakeClient,
) -> None:
    sim = files_sim()
    rid = _record(sim)
    org = sim.org("A")
    ids = [org.attachments.add_file(rid, f"f{i}.bin", 1000 + i) for i in range(430)]
    link = org.attachments.add_link(rid, "Google", "https://www.google.com")
    found = await CrmAttachments(clients(sim, "A")).list(MODULE, rid)
    assert [a.id for a in found] == [*ids, link]
    assert sim.stats.call_count("A", "/Attachments") == 3  # 200 + 200 + 31
    assert found[5].size == 1005 and not found[5].is_link and found[5].file_name == "f5.bin"
    assert found[-1].is_link and found[-1].link_url == "https://www.google.com"
    assert found[-1].size == 0 and found[-1].file_name == "Google"
    assert set(FIELDS) >= {"File_Name", "Size", "$type", "$link_url"}


async def test_page_size_is_checked_before_any_call(clients: MakeClient) -> None:
    with pytest.raises(ValueError, match="per_page"):
        CrmAttachments(clients(files_sim(), "A"), per_page=201)


@pytest.mark.parametrize("form", ["quoted", "rfc5987", "both"])
async def test_hostile_names_and_content_arrive_exactly(clients: MakeClient, form: str) -> None:
    sim = files_sim(content_disposition=form)
    rid = _record(sim)
    org = sim.org("A")
    for i, name in enumerate(FILE_NAMES):
        org.attachments.add_file(rid, name, 1000 + 37 * i)
    api = CrmAttachments(clients(sim, "A"))
    listed = await api.list(MODULE, rid)
    assert [a.file_name for a in listed] == list(FILE_NAMES)  # byte for byte, NFD kept
    for attachment in listed:
        sink = io.BytesIO()
        got = await api.download(MODULE, rid, attachment, sink)
        content = org.attachments.get(attachment.id).content  # type: ignore[union-attr]
        assert content is not None
        assert got.size == attachment.size == len(sink.getvalue()) == content.size
        assert got.md5 == content.md5() and sink.getvalue() == content.read()
        if form == "quoted" and not attachment.file_name.isprintable():
            continue  # the quoted form cannot carry control characters
        assert got.header_name == attachment.file_name


@pytest.mark.parametrize("encoded", [False, True])
async def test_names_round_trip_from_crm_to_workdrive(
    clients: MakeClient, tmp_path: Path, encoded: bool
) -> None:
    sim = files_sim(names_url_encoded=encoded)
    rid = _record(sim)
    names = [n.replace("/", "_") for n in FILE_NAMES]  # as DESIGN §9.4's destination names
    for i, name in enumerate(names):
        sim.org("A").attachments.add_file(rid, name, 100 + i)
    folder = sim.org("B").workdrive.add_folder(sim.team_folder_id, "Acme")
    api, drive = CrmAttachments(clients(sim, "A")), WorkDrive(clients(sim, "B"))
    for attachment in await api.list(MODULE, rid):
        part = tmp_path / "part"
        with part.open("wb") as sink:
            got = await api.download(MODULE, rid, attachment, sink)
        uploaded = await drive.upload(folder, attachment.file_name, part)
        assert uploaded.name == attachment.file_name and uploaded.md5 == got.md5
    assert sorted(i.name for i in await drive.list_folder(folder)) == sorted(names)


async def test_two_attachments_with_one_name_stay_two(clients: MakeClient) -> None:
    sim = files_sim()
    rid = _record(sim)
    org = sim.org("A")
    first = org.attachments.add_file(rid, "report.pdf", 100)
    second = org.attachments.add_file(rid, "report.pdf", 200)
    api = CrmAttachments(clients(sim, "A"))
    listed = await api.list(MODULE, rid)
    assert [(a.id, a.size) for a in listed] == [(first, 100), (second, 200)]
    sizes = [(await api.download(MODULE, rid, a, io.BytesIO())).size for a in listed]
    assert sizes == [100, 200]


async def test_a_link_is_never_downloaded(clients: MakeClient) -> None:
    sim = files_sim()
    rid = _record(sim)
    sim.org("A").attachments.add_link(rid, "Google", "https://www.google.com")
    api = CrmAttachments(clients(sim, "A"))
    [link] = await api.list(MODULE, rid)
    before = sim.stats.call_count("A")
    with pytest.raises(DownloadNotAllowedError):
        await api.download(MODULE, rid, link, io.BytesIO())
    assert sim.stats.call_count("A") == before


async def test_a_link_download_that_happens_anyway_is_mapped(clients: MakeClient) -> None:
    sim = files_sim()
    rid = _record(sim)
    sim.org("A").attachments.add_link(rid, "Google", "https://www.google.com")
    api = CrmAttachments(clients(sim, "A"))
    [link] = await api.list(MODULE, rid)
    disguised = type(link)(link.id, link.file_name, 0, "File")
    with pytest.raises(DownloadNotAllowedError) as info:
        await api.download(MODULE, rid, disguised, io.BytesIO())
    assert info.value.code == "DOWNLOAD_NOT_ALLOWED" and info.value.status_code == 400


async def test_an_attachment_gone_since_the_listing_is_not_found(clients: MakeClient) -> None:
    sim = files_sim()
    rid = _record(sim)
    aid = sim.org("A").attachments.add_file(rid, "x.bin", 10)
    api = CrmAttachments(clients(sim, "A"))
    [listed] = await api.list(MODULE, rid)
    sim.org("A").attachments.remove(aid)
    with pytest.raises(ZohoNotFoundError, match="gone"):
        await api.download(MODULE, rid, listed, io.BytesIO())


@pytest.mark.parametrize("fault", ["cut", "short"])
async def test_a_broken_body_is_an_error_never_a_file(clients: MakeClient, fault: str) -> None:
    sim = files_sim()
    rid = _record(sim)
    sim.org("A").attachments.add_file(rid, "big.bin", 500_000)
    api = CrmAttachments(clients(sim, "A"))
    [listed] = await api.list(MODULE, rid)
    if fault == "cut":
        sim.transfers.cut_next(1, after_bytes=200_000, path_contains="/Attachments/")
    else:
        sim.transfers.short_next(1, after_bytes=200_000, path_contains="/Attachments/")
    with pytest.raises(IncompleteDownloadError, match="200000"):
        await api.download(MODULE, rid, listed, io.BytesIO())
    assert (await api.download(MODULE, rid, listed, io.BytesIO())).size == 500_000


async def test_429_and_5xx_are_retried_in_the_one_retry_place(
    clients: MakeClient, clock: FakeClock
) -> None:
    sim = files_sim()
    rid = _record(sim)
    sim.org("A").attachments.add_file(rid, "x.bin", 10)
    client = clients(sim, "A")
    api = CrmAttachments(client)
    sim.faults.fail_next(1, 429, path_contains="/Attachments")
    sim.faults.fail_next(1, 503, path_contains="/Attachments")
    [listed] = await api.list(MODULE, rid)
    sim.faults.fail_next(2, 500, path_contains="/Attachments/")
    assert (await api.download(MODULE, rid, listed, io.BytesIO())).size == 10
    assert client.stats.retries == 4 and len(clock.sleeps) == 4
    sim.faults.fail_next(1000, 500, path_contains="/Attachments/")
    with pytest.raises(ZohoServerError):
        await api.download(MODULE, rid, listed, io.BytesIO())


async def test_a_429_with_retry_after_waits_that_long(
    clients: MakeClient, clock: FakeClock
) -> None:
    sim = files_sim()
    rid = _record(sim)
    sim.faults.retry_after = 3
    sim.faults.fail_next(2, 429, path_contains="/Attachments")
    assert await CrmAttachments(clients(sim, "A")).list(MODULE, rid) == []
    assert clock.sleeps == [3.0, 3.0]


async def test_a_revoked_token_costs_one_refresh(clients: MakeClient) -> None:
    sim = files_sim()
    rid = _record(sim)
    sim.org("A").attachments.add_file(rid, "x.bin", 10)
    api = CrmAttachments(clients(sim, "A"))
    [listed] = await api.list(MODULE, rid)
    sim.faults.revoke_tokens("A")
    assert (await api.download(MODULE, rid, listed, io.BytesIO())).size == 10
    assert sim.stats.token_refreshes("A") == 2


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ('attachment; filename="a \\"b\\"; c=d.pdf"', 'a "b"; c=d.pdf'),
        ("attachment; filename*=UTF-8''Caf%C3%A9%20%E6%9D%B1.pdf", "Café 東.pdf"),
        ("attachment; filename=\"fallback.pdf\"; filename*=utf-8'en'real%27s.pdf", "real's.pdf"),
        ("attachment; filename=plain.txt", "plain.txt"),
        ("attachment; filename*=UTF-8''%FF%FE; filename=ok.txt", "ok.txt"),
        ("attachment", None),
        (None, None),
    ],
)
def test_content_disposition_either_form(header: str | None, name: str | None) -> None:
    assert filename_of(header) == name
