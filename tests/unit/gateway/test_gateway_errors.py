"""Every bad input gets OpenAI's error shape with the right status, and a request id."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest


def assert_openai_error(r: Any, status: int, code: str | None = None) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/json"
    assert r.headers["x-request-id"].startswith("req_")
    assert "x-laneway-overhead-ms" in r.headers
    error: dict[str, Any] = r.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert "Traceback" not in error["message"]
    if code is not None:
        assert error["code"] == code
    return error


async def test_malformed_json_is_400(make_harness: Any) -> None:
    h = await make_harness()
    r = await h.client.post(
        "/v1/chat/completions", content=b"{not json", headers={"content-type": "application/json"}
    )
    error = assert_openai_error(r, 400)
    assert error["type"] == "invalid_request_error"


@pytest.mark.parametrize(
    ("path", "body", "param"),
    [
        ("/v1/chat/completions", {"messages": [{"role": "user", "content": "x"}]}, "model"),
        ("/v1/chat/completions", {"model": "laneway/auto"}, "messages"),
        ("/v1/responses", {"model": "laneway/auto"}, "input"),
        ("/v1/chat/completions", ["not", "an", "object"], None),
        ("/v1/chat/completions", {"model": 7, "messages": []}, "model"),
    ],
)
async def test_missing_or_wrong_fields_are_400(
    make_harness: Any, path: str, body: Any, param: str | None
) -> None:
    h = await make_harness()
    error = assert_openai_error(await h.client.post(path, json=body), 400)
    assert error["param"] == param


async def test_unknown_model_is_404_model_not_found(make_harness: Any) -> None:
    h = await make_harness()
    error = assert_openai_error(await h.chat(model="gpt-9-ultra"), 404, "model_not_found")
    assert error["param"] == "model"


async def test_unknown_lane_alias_is_400(make_harness: Any) -> None:
    h = await make_harness()
    assert_openai_error(await h.chat(model="laneway/poetry"), 400, "invalid_lane")


async def test_body_over_the_limit_is_413(make_harness: Any) -> None:
    h = await make_harness(server={"max_body_bytes": 1000})
    assert_openai_error(await h.chat("x" * 2000), 413, "request_too_large")
    (row,) = await h.rows()
    assert row.http_status == 413 and row.status == "error"


async def test_unknown_endpoint_is_404_and_wrong_method_405(make_harness: Any) -> None:
    h = await make_harness()
    assert_openai_error(await h.client.get("/v1/embeddings"), 404, "unknown_url")
    assert_openai_error(await h.client.post("/v1/files", json={}), 404, "unknown_url")
    assert_openai_error(await h.client.get("/v1/chat/completions"), 405)


async def test_upstream_invalid_json_is_502(make_harness: Any) -> None:
    h = await make_harness()

    h.mini.push(h.Step(raw=b"<html>oops</html>"))
    assert_openai_error(await h.chat(model="laneway/routine"), 502)


async def test_a_bug_is_a_500_without_a_traceback(make_harness: Any) -> None:
    h = await make_harness()

    async def broken(request: Any) -> Any:
        raise RuntimeError("secret internals")

    h.mini.send = broken  # type: ignore[method-assign]
    error = assert_openai_error(await h.chat(model="laneway/routine"), 500)
    assert "secret" not in error["message"]


async def test_requests_over_max_in_flight_get_503_at_once_and_the_others_go_on(make_harness: Any) -> None:
    h = await make_harness(server={"max_in_flight": 2})
    h.mini.push(h.Step("hang"), h.Step("hang"))
    hanging = [asyncio.create_task(h.chat(model="laneway/routine")) for _ in range(2)]
    async with asyncio.timeout(30):
        while len(h.mini.requests) < 2:
            await asyncio.sleep(0.001)
    r = await h.chat(model="laneway/routine")
    assert r.status_code == 503 and r.headers["retry-after"] == "1" and r.headers["x-request-id"]
    assert r.json()["error"]["code"] == "server_overloaded"
    assert "server.max_in_flight" in r.json()["error"]["message"]
    assert len(h.mini.requests) == 2, "refused before any work"
    metrics = (await h.client.get("/metrics")).text
    assert 'status="overloaded"} 1.0' in metrics
    for task in hanging:
        task.cancel()
    await asyncio.gather(*hanging, return_exceptions=True)
    async with asyncio.timeout(30):
        while "laneway_in_flight_requests 0.0" not in (await h.client.get("/metrics")).text:
            await asyncio.sleep(0.001)
    assert (await h.chat(model="laneway/routine")).status_code == 200
