"""Keys, budgets and rate limits through real HTTP: every refusal with its body and headers,
fallbacks and escalations re-admitted for the new model, the raw key never leaking.

A live gateway in ``auth.mode: keys`` on a real socket (uvicorn in a thread) serves from scripted
fake upstreams (one per model) into an in-memory ledger."""

from __future__ import annotations

import asyncio
import logging
import re
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from laneway.gateway.app import GatewayApp, create_app
from laneway.ledger.base import LedgerRow
from laneway.ledger.memory import MemoryLedger

from .conftest import CODEX, MINI, FakeUpstream, Step, make_config

MASTER = "master-key-for-tests-0123456789"
SECRET = "server-secret-for-tests-0123456789"


@dataclass
class Live:
    app: GatewayApp
    server: uvicorn.Server
    loop: asyncio.AbstractEventLoop
    port: int
    ledger: MemoryLedger
    mini: FakeUpstream
    codex: FakeUpstream

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def call(self, coro: Any) -> Any:
        """Run ``coro`` on the server's loop (admission, ledger)."""
        fut: Future[Any] = asyncio.run_coroutine_threadsafe(coro, self.loop)
        return fut.result(timeout=10)

    def rows(self) -> list[LedgerRow]:
        return list(self.call(self.ledger.rows()))

    def client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url, timeout=10)

    async def create_key(self, http: httpx.AsyncClient, **options: Any) -> tuple[str, str]:
        """A new virtual key through the admin API: ``(raw_key, key_id)``."""
        r = await http.post("/admin/keys", json=options, headers={"authorization": f"Bearer {MASTER}"})
        assert r.status_code == 200, r.text
        body = r.json()
        return body["key"], body["id"]


def start_live(tmp_path: Path, **sections: Any) -> Live:
    auth = {
        "mode": "keys",
        "secret_env": "T_SECRET",
        "master_key_env": "T_MASTER",
        **sections.pop("auth", {}),
    }
    config = make_config(auth=auth, keys={"path": str(tmp_path / "keys.db")}, **sections)
    mini, codex = FakeUpstream("p-mini"), FakeUpstream("p-codex")
    ledger = MemoryLedger()
    app = create_app(
        config, ledger=ledger, upstreams={"p-mini": mini, "p-codex": codex},
        env={"T_SECRET": SECRET, "T_MASTER": MASTER},
    )  # fmt: skip
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    loops: list[asyncio.AbstractEventLoop] = []

    def serve() -> None:
        loop = asyncio.new_event_loop()
        loops.append(loop)
        loop.run_until_complete(server.serve(sockets=[sock]))
        loop.close()

    thread = threading.Thread(target=serve, daemon=True, name="laneway-admission-test")
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("gateway did not start")
        time.sleep(0.01)
    return Live(app, server, loops[0], port, ledger, mini, codex)


def stop_live(live: Live) -> None:
    live.server.should_exit = True
    deadline = time.monotonic() + 10
    while live.loop.is_running() and time.monotonic() < deadline:
        time.sleep(0.01)


@pytest.fixture
def live_gateway(tmp_path: Path) -> Iterator[Any]:
    made: list[Live] = []

    def make(**sections: Any) -> Live:
        live = start_live(tmp_path / str(len(made)), **sections)
        made.append(live)
        return live

    yield make
    for live in made:
        stop_live(live)


def bearer(key: str) -> dict[str, str]:
    return {"authorization": f"Bearer {key}"}


def chat(content: str = "hello", model: str = "laneway/routine", **extra: Any) -> dict[str, Any]:
    return {"model": model, "messages": [{"role": "user", "content": content}], **extra}


def assert_openai_error(r: httpx.Response, status: int, type_: str, code: str) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/json"
    error = r.json()["error"]
    assert set(error) == {"message", "type", "param", "code"}
    assert (error["type"], error["code"]) == (type_, code)
    return dict(error)


# -- 401 ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("authorization", "message"),
    [
        (None, "You didn't provide an API key"),
        ("Bearer lw-not-a-real-key-0000000000000000000000", "Incorrect API key provided"),
        ("Bearer sk-something-else", "Incorrect API key provided"),
        ("Basic dXNlcjpwYXNz", "You didn't provide an API key"),
    ],
)
async def test_a_request_without_a_valid_key_gets_401_in_openai_shape(
    live_gateway: Any, authorization: str | None, message: str
) -> None:
    live = live_gateway()
    headers = {"authorization": authorization} if authorization else {}
    async with live.client() as http:
        r = await http.post("/v1/chat/completions", json=chat(), headers=headers)
    error = assert_openai_error(r, 401, "invalid_request_error", "invalid_api_key")
    assert error["message"].startswith(message)
    assert live.mini.requests == [] and live.codex.requests == []
    (row,) = live.rows()
    assert (row.http_status, row.key_id) == (401, None)


async def test_a_revoked_key_gets_401_at_once(live_gateway: Any) -> None:
    live = live_gateway()
    async with live.client() as http:
        key, key_id = await live.create_key(http)
        assert (await http.post("/v1/chat/completions", json=chat(), headers=bearer(key))).status_code == 200
        r = await http.delete(f"/admin/keys/{key_id}", headers=bearer(MASTER))
        assert r.json()["revoked"] is True
        r = await http.post("/v1/chat/completions", json=chat(), headers=bearer(key))
    assert assert_openai_error(r, 401, "invalid_request_error", "invalid_api_key")["message"] == (
        "This API key has been revoked."
    )


# -- 403 ------------------------------------------------------------------------------------------
async def test_a_model_the_key_may_not_use_gets_403(live_gateway: Any) -> None:
    live = live_gateway()
    async with live.client() as http:
        key, _ = await live.create_key(http, models=[MINI])
        r = await http.post("/v1/chat/completions", json=chat(model=CODEX), headers=bearer(key))
    error = assert_openai_error(r, 403, "permission_error", "permission_denied")
    assert error["message"] == f"This key may not use model '{CODEX}' (allowed: {MINI})"
    assert error["param"] == "model"
    assert live.codex.requests == []


async def test_a_lane_the_key_may_not_use_gets_403(live_gateway: Any) -> None:
    live = live_gateway()
    async with live.client() as http:
        key, _ = await live.create_key(http, lanes=["routine"])
        ok = await http.post("/v1/chat/completions", json=chat(model="laneway/routine"), headers=bearer(key))
        r = await http.post("/v1/chat/completions", json=chat(model="laneway/terminal"), headers=bearer(key))
    assert ok.status_code == 200
    error = assert_openai_error(r, 403, "permission_error", "permission_denied")
    assert error["message"] == "This key may not use lane 'terminal' (allowed: routine)"
    assert len(live.codex.requests) == 0


async def test_routing_leaves_out_models_the_key_may_not_use_and_says_why(live_gateway: Any) -> None:
    live = live_gateway()
    async with live.client() as http:
        key, key_id = await live.create_key(http, models=[MINI])
        r = await http.post("/v1/chat/completions", json=chat(model="laneway/terminal"), headers=bearer(key))
    assert r.status_code == 200
    assert r.headers["x-laneway-model"] == MINI  # terminal's owner is codex: not for this key
    assert "gpt-5.3-codex dropped (not allowed for this key)" in r.headers["x-laneway-reason"]
    (row,) = live.rows()
    assert row.key_id == key_id


# -- 429 ------------------------------------------------------------------------------------------
async def test_an_exhausted_budget_gets_429_insufficient_quota(live_gateway: Any) -> None:
    live = live_gateway()
    async with live.client() as http:
        key, key_id = await live.create_key(http, budget_usd=0.005)
        # may cost up to ~$0.009 (2000 output tokens on mini): more than the whole budget
        big = await http.post("/v1/chat/completions", json=chat(max_tokens=2000), headers=bearer(key))
        replies = []
        for _ in range(60):  # each costs ~$0.00014 for real (settled), up to ~$0.0001 reserved
            replies.append(
                await http.post("/v1/chat/completions", json=chat(max_tokens=20), headers=bearer(key))
            )
            if replies[-1].status_code != 200:
                break
    error = assert_openai_error(big, 429, "insufficient_quota", "insufficient_quota")
    assert error["message"].startswith("You exceeded your current quota")
    assert key_id in error["message"] and "$0.005 total budget" in error["message"]
    assert len(replies) > 10 and all(r.status_code == 200 for r in replies[:-1])
    assert_openai_error(replies[-1], 429, "insufficient_quota", "insufficient_quota")
    # settled to the real cost: what the ledger charged is what the budget counts, within budget
    used = live.call(live.app.state.runtime.admission.limits.budget.used(key_id, "total"))
    assert used == pytest.approx(sum(row.cost_usd for row in live.rows()), abs=1e-9)
    assert used <= 0.005


async def test_an_exhausted_rpm_gets_429_with_retry_after_and_ratelimit_headers(live_gateway: Any) -> None:
    live = live_gateway()
    async with live.client() as http:
        key, key_id = await live.create_key(http, rpm=2)
        replies = [
            await http.post("/v1/chat/completions", json=chat(), headers=bearer(key)) for _ in range(3)
        ]
    assert [r.status_code for r in replies] == [200, 200, 429]
    r = replies[-1]
    error = assert_openai_error(r, 429, "rate_limit_error", "rate_limit_exceeded")
    assert error["message"].startswith(f"Rate limit reached for key {key_id}: requests per min 2.")
    retry_after = int(r.headers["retry-after"])
    assert 1 <= retry_after <= 30  # one request refills in 60/2 s
    assert 0 < int(r.headers["retry-after-ms"]) <= 30_000
    assert r.headers["x-ratelimit-limit-requests"] == "2"
    assert r.headers["x-ratelimit-remaining-requests"] == "0"
    assert re.fullmatch(r"(\d+m)?\d+(\.\d+)?s|\d+ms", r.headers["x-ratelimit-reset-requests"])


async def test_successful_replies_carry_the_keys_ratelimit_headers(live_gateway: Any) -> None:
    live = live_gateway()
    async with live.client() as http:
        key, _ = await live.create_key(http, rpm=5, tpm=100_000)
        first = await http.post("/v1/chat/completions", json=chat(max_tokens=50), headers=bearer(key))
        async with http.stream(
            "POST", "/v1/chat/completions", json=chat(stream=True, max_tokens=50), headers=bearer(key)
        ) as streamed:
            await streamed.aread()
    for r, left in ((first, "4"), (streamed, "3")):
        assert r.status_code == 200
        assert r.headers["x-ratelimit-limit-requests"] == "5"
        assert r.headers["x-ratelimit-remaining-requests"] == left
        assert r.headers["x-ratelimit-limit-tokens"] == "100000"  # the key's, not the model's
        assert 99_000 < int(r.headers["x-ratelimit-remaining-tokens"]) < 100_000
        assert re.fullmatch(r"(\d+m)?\d+(\.\d+)?s|\d+ms", r.headers["x-ratelimit-reset-tokens"])
        assert "," not in r.headers["x-ratelimit-limit-requests"]  # one value: upstream's replaced


def saturate(live: Live, model: str, tpm: int) -> None:
    """Other traffic took the model's whole TPM for this minute."""
    limiter = live.app.state.runtime.admission.limits.limiter
    live.call(limiter.acquire(f"model:{model}", rpm=None, tpm=tpm, tokens=tpm, now=time.time()))


async def test_a_saturated_model_spills_to_the_next_candidate_and_the_decision_says_so(
    live_gateway: Any,
) -> None:
    live = live_gateway()
    async with live.client() as http:
        key, _ = await live.create_key(http)
        first = await http.post(
            "/v1/chat/completions", json=chat(model="laneway/routine"), headers=bearer(key)
        )
        saturate(live, MINI, 500_000)  # tier 1
        second = await http.post(
            "/v1/chat/completions", json=chat(model="laneway/routine"), headers=bearer(key)
        )
    assert first.headers["x-laneway-model"] == MINI
    assert second.status_code == 200
    assert second.headers["x-laneway-model"] == CODEX
    assert "gpt-5.4-mini dropped (spilled: TPM for tier 1 used up)" in second.headers["x-laneway-reason"]
    assert "spilled" in live.rows()[-1].reasons


async def test_a_saturated_model_in_a_lane_that_may_not_spill_gets_429(live_gateway: Any) -> None:
    live = live_gateway(limits={"spill_lanes": []})
    async with live.client() as http:
        key, _ = await live.create_key(http)
        saturate(live, MINI, 500_000)
        r = await http.post("/v1/chat/completions", json=chat(model="laneway/routine"), headers=bearer(key))
    error = assert_openai_error(r, 429, "rate_limit_error", "rate_limit_exceeded")
    assert error["message"].startswith(f"Rate limit reached for {MINI} (tier 1): tokens per min 500000.")
    assert int(r.headers["retry-after"]) >= 1
    assert r.headers["x-ratelimit-limit-tokens"] == "500000"
    assert int(r.headers["x-ratelimit-remaining-tokens"]) < 2_000  # refilled a little since
    assert live.codex.requests == [] and live.mini.requests == []


# -- fallbacks and escalations are admitted again --------------------------------------------------
async def test_a_mini_only_key_is_never_served_by_codex_via_fallback(live_gateway: Any) -> None:
    live = live_gateway()
    live.mini.push(*[Step("status", 500)] * 4)
    async with live.client() as http:
        key, _ = await live.create_key(http, models=[MINI])
        r = await http.post("/v1/chat/completions", json=chat(model="laneway/routine"), headers=bearer(key))
    assert r.status_code == 502
    assert live.codex.requests == []
    assert len(live.mini.requests) == 2


async def test_a_mini_only_key_is_never_escalated_to_codex(live_gateway: Any) -> None:
    live = live_gateway()
    live.mini.push(Step("ok", text="   "))  # fails verification (empty output): would escalate
    async with live.client() as http:
        key, _ = await live.create_key(http, models=[MINI])
        r = await http.post("/v1/chat/completions", json=chat(model="laneway/routine"), headers=bearer(key))
    assert r.status_code == 200
    assert r.headers["x-laneway-model"] == MINI
    assert live.codex.requests == []
    (row,) = live.rows()
    assert not row.escalated
    assert "escalation to gpt-5.3-codex after verification failed: empty output not admitted" in row.reasons


async def test_a_fallback_the_budget_cannot_cover_is_not_tried(live_gateway: Any) -> None:
    live = live_gateway()
    live.mini.push(*[Step("status", 500)] * 4)
    async with live.client() as http:
        # mini may cost up to ~$0.0045 (fits), codex up to ~$0.014 (does not)
        key, key_id = await live.create_key(http, budget_usd=0.01)
        body = chat(model="laneway/routine", max_tokens=1000)
        r = await http.post("/v1/chat/completions", json=body, headers=bearer(key))
    assert r.status_code == 502
    assert "gpt-5.3-codex: BudgetExhaustedError" in r.json()["error"]["message"]
    assert live.codex.requests == []
    # the failed attempt released its reservation
    assert live.call(live.app.state.runtime.admission.limits.budget.used(key_id, "total")) == 0


async def test_an_allowed_fallback_is_admitted_and_charged_once(live_gateway: Any) -> None:
    live = live_gateway()
    live.mini.push(*[Step("status", 500)] * 2)
    async with live.client() as http:
        key, key_id = await live.create_key(http, budget_usd=5.0, rpm=5)
        r = await http.post("/v1/chat/completions", json=chat(model="laneway/routine"), headers=bearer(key))
        assert r.status_code == 200, r.text
        assert r.headers["x-laneway-model"] == CODEX
        for _ in range(4):  # the fallback did not take a second request from the key's RPM
            ok = await http.post("/v1/chat/completions", json=chat(), headers=bearer(key))
            assert ok.status_code == 200
    used = live.call(live.app.state.runtime.admission.limits.budget.used(key_id, "total"))
    assert used == pytest.approx(sum(row.cost_usd for row in live.rows()), abs=1e-9)


async def test_a_stream_settles_its_real_cost(live_gateway: Any) -> None:
    live = live_gateway()
    async with live.client() as http:
        key, key_id = await live.create_key(http, budget_usd=1.0)
        async with http.stream(
            "POST", "/v1/chat/completions", json=chat(stream=True), headers=bearer(key)
        ) as r:
            assert r.status_code == 200
            text = "".join([chunk async for chunk in r.aiter_text()])
    assert text.rstrip().endswith("data: [DONE]")
    (row,) = live.rows()
    assert row.cost_usd > 0 and row.key_id == key_id
    used = live.call(live.app.state.runtime.admission.limits.budget.used(key_id, "total"))
    assert used == pytest.approx(row.cost_usd, abs=1e-9)


# -- the raw key never leaks -----------------------------------------------------------------------
async def test_the_raw_key_never_reaches_the_ledger_logs_or_metrics(
    live_gateway: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    live = live_gateway()
    live.mini.push(Step("status", 500), Step("status", 500))
    async with live.client() as http:
        key, key_id = await live.create_key(http, budget_usd=0.006, rpm=3, models=[MINI])
        for body in (chat(), chat(model=CODEX), chat(max_tokens=1000), chat(stream=True), chat()):
            await http.post("/v1/chat/completions", json=body, headers=bearer(key))
        await http.post("/v1/chat/completions", json=chat(), headers=bearer(key[:-1] + "x"))
        metrics = (await http.get("/metrics")).text
        listed = (await http.get("/admin/keys", headers=bearer(MASTER))).text
    rows = live.rows()
    assert {row.key_id for row in rows} == {key_id, None}
    secret_part = key.removeprefix("lw-")
    for where, text in (
        ("ledger", repr(rows)),
        ("logs", caplog.text),
        ("metrics", metrics),
        ("list", listed),
    ):
        assert secret_part not in text, f"the raw key leaked into the {where}"
        assert secret_part[:16] not in text, f"part of the raw key leaked into the {where}"


# -- the admin API ---------------------------------------------------------------------------------
async def test_the_admin_api_opens_only_to_the_master_key(live_gateway: Any) -> None:
    live = live_gateway()
    async with live.client() as http:
        r = await http.get("/admin/keys")
        assert_openai_error(r, 401, "invalid_request_error", "invalid_api_key")
        key, key_id = await live.create_key(http, name="ci", budget_usd=5, period="month", rpm=10)
        r = await http.post("/admin/keys", json={}, headers=bearer(key))
        error = assert_openai_error(r, 403, "permission_error", "permission_denied")
        assert error["message"] == "Only the master key may use the admin API."
        r = await http.get("/admin/keys", headers=bearer(MASTER))
        (listed,) = r.json()["data"]
        assert listed["id"] == key_id and listed["period"] == "month" and "key" not in listed
        assert "key_hash" not in listed
        r = await http.post("/admin/keys", json={"budget": 5}, headers=bearer(MASTER))
        assert_openai_error(r, 400, "invalid_request_error", None)  # type: ignore[arg-type]
        r = await http.post("/admin/keys", json={"models": ["gpt-9"]}, headers=bearer(MASTER))
        assert "unknown model gpt-9" in r.json()["error"]["message"]
        r = await http.delete("/admin/keys/key_nope", headers=bearer(MASTER))
        assert_openai_error(r, 404, "invalid_request_error", "not_found")
        r = await http.post("/admin/keys", json={"expires": "2999-01-31"}, headers=bearer(MASTER))
        assert r.json()["expires"] == "2999-02-01T00:00:00Z"
