"""The attachments and WorkDrive clients against scripted answers (shapes the simulator does
not produce: stuck paging, odd upload answers, a persistent F7003, an expiry challenge)."""

from __future__ import annotations

import io
import json

import httpx
import pytest

from fieldsync_tui.zoho.attachments import CrmAttachments
from fieldsync_tui.zoho.errors import (
    UploadMayHaveLandedError,
    ZohoAPIError,
    ZohoAuthenticationError,
)
from fieldsync_tui.zoho.workdrive import WorkDrive

from .conftest import FakeZoho, MakeClient, zoho_json

WD = "/workdrive/api/v1"
FOLDER = "ly9zm" + "a" * 32


def _items(start: int, count: int) -> dict[str, object]:
    return {
        "data": [
            {"id": f"id{i}", "type": "files", "attributes": {"name": f"n{i}", "type": "folder"}}
            for i in range(start, start + count)
        ]
    }


async def test_workdrive_paging_that_does_not_advance_is_an_error(
    fake: FakeZoho, make_client: MakeClient
) -> None:
    fake.route("GET", f"{WD}/files/{FOLDER}/files")(lambda request: zoho_json(200, _items(0, 50)))
    with pytest.raises(ZohoAPIError, match="did not advance"):
        await WorkDrive(make_client(label="B")).list_folder(FOLDER)
    assert len(fake.requests) == 2


async def test_workdrive_listing_sends_accept_offset_limit_and_sort(
    fake: FakeZoho, make_client: MakeClient
) -> None:
    def page(request: httpx.Request) -> httpx.Response:
        offset = int(request.url.params["page[offset]"])
        return zoho_json(200, _items(offset, 50 if offset < 100 else 7))

    fake.route("GET", f"{WD}/files/{FOLDER}/files")(page)
    items = await WorkDrive(make_client(label="B")).list_folder(FOLDER, folders_only=True)
    assert len(items) == 107
    for request in fake.requests:
        assert request.headers["accept"] == "application/vnd.api+json"
        assert request.url.params["page[limit]"] == "50" and request.url.params["sort"] == "name"
        assert request.url.params["filter[type]"] == "folder"
        assert b"page%5Blimit%5D=50" in request.url.query  # names URL-encoded


async def test_attachment_paging_that_does_not_advance_is_an_error(
    fake: FakeZoho, make_client: MakeClient
) -> None:
    rows = [
        {"id": str(1000 + i), "File_Name": "x", "Size": "1", "$type": "File"} for i in range(200)
    ]
    body = {"data": rows, "info": {"more_records": True}}
    fake.route("GET", "/crm/v8/Contacts/42/Attachments")(lambda request: zoho_json(200, body))
    with pytest.raises(ZohoAPIError, match="did not advance"):
        await CrmAttachments(make_client()).list("Contacts", "42")
    assert fake.requests[0].url.params["fields"].startswith("id,File_Name,Size,$type")


@pytest.mark.parametrize(
    "answer",
    [
        {"data": []},
        {"data": [{"attributes": {"parent_id": FOLDER}}]},
        {"data": {"attributes": {"FileName": "x.pdf"}}},
        "not an object",
    ],
)
async def test_an_unusable_upload_answer_may_have_landed(
    fake: FakeZoho, make_client: MakeClient, answer: object
) -> None:
    fake.route("POST", f"{WD}/upload")(lambda request: zoho_json(200, answer))
    with pytest.raises(UploadMayHaveLandedError, match="not sent again"):
        await WorkDrive(make_client(label="B")).upload(FOLDER, "x.pdf", io.BytesIO(b"1"))
    assert len(fake.requests) == 1


async def test_the_upload_request_as_documented(fake: FakeZoho, make_client: MakeClient) -> None:
    info = json.dumps({"MD5_CHECKSUM": "ABC", "size": "1"})
    answer = {
        "data": [{"attributes": {"resource_id": "r1", "FileName": "é x.pdf", "File INFO": info}}]
    }
    fake.route("POST", f"{WD}/upload")(lambda request: zoho_json(200, answer))
    uploaded = await WorkDrive(make_client(label="B")).upload(FOLDER, "é x.pdf", io.BytesIO(b"1"))
    assert (uploaded.resource_id, uploaded.md5, uploaded.size) == ("r1", "abc", 1)
    [request] = fake.requests
    body = request.content
    assert b'name="content"' in body and b'name="filename"\r\n\r\n%C3%A9%20x.pdf\r\n' in body
    assert b'name="override-name-exist"\r\n\r\nfalse\r\n' in body
    assert request.url.params["filename"] == "%C3%A9%20x.pdf"
    assert request.url.params["parent_id"] == FOLDER
    assert request.headers["authorization"].startswith("Zoho-oauthtoken ")


async def test_a_persistent_f7003_at_500_refreshes_once_and_is_not_retried(
    fake: FakeZoho, make_client: MakeClient
) -> None:
    body = {"errors": [{"id": "F7003", "title": "Invalid OAuth token."}]}
    fake.route("GET", f"{WD}/files/{FOLDER}")(lambda request: zoho_json(500, body))
    with pytest.raises(ZohoAuthenticationError, match="F7003"):
        await WorkDrive(make_client(label="B")).get(FOLDER)
    assert fake.refreshes == 2 and len(fake.requests) == 2


async def test_an_expired_token_challenge_refreshes(
    fake: FakeZoho, make_client: MakeClient
) -> None:
    answers = iter([401, 200])

    def item(request: httpx.Request) -> httpx.Response:
        if next(answers) == 401:
            challenge = {"WWW-Authenticate": 'Bearer error="expired_token"'}
            return httpx.Response(401, text="expired", headers=challenge)
        node = {"id": FOLDER, "type": "files", "attributes": {"name": "F", "type": "folder"}}
        return zoho_json(200, {"data": node})

    fake.route("GET", f"{WD}/files/{FOLDER}")(item)
    assert (await WorkDrive(make_client(label="B")).get(FOLDER)).name == "F"
    assert fake.refreshes == 2
