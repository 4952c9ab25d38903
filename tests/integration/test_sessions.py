"""The SessionStore contract on every backend (in-process and Redis), and Redis failing open."""

from __future__ import annotations

import logging
import socket
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack

import pytest

from laneway.errors import ConfigError
from laneway.sessions.base import SessionState, SessionStore, open_sessions
from laneway.sessions.memory import MemorySessionStore
from laneway.sessions.redis import RedisSessionStore
from laneway.sessions.settings import SessionSettings
from laneway.testing import ManualClock

from ..services import redis_namespace

pytestmark = pytest.mark.integration

MINI, CODEX = "gpt-5.4-mini", "gpt-5.3-codex"


@pytest.fixture(params=["memory", "redis"])
async def store(request: pytest.FixtureRequest, redis_url: str) -> AsyncIterator[SessionStore]:
    async with AsyncExitStack() as stack:
        settings = SessionSettings()
        if request.param == "redis":
            prefix = await stack.enter_async_context(redis_namespace(redis_url))
            settings = SessionSettings(backend="redis", redis_url=redis_url, redis_prefix=prefix)
        opened = open_sessions(settings, clock=ManualClock(), env={})
        yield opened
        await opened.aclose()


async def test_an_unknown_session_has_no_state(store: SessionStore) -> None:
    assert await store.get("nobody") is None


async def test_the_first_pin_wins(store: SessionStore) -> None:
    await store.pin("s1", MINI)
    await store.pin("s1", CODEX)
    assert await store.get("s1") == SessionState(pinned_model=MINI)


async def test_escalation_is_sticky_keeps_its_first_cause_and_re_pins(store: SessionStore) -> None:
    await store.pin("s1", MINI)
    await store.escalate("s1", CODEX, "3 failing shell commands in a row")
    assert await store.get("s1") == SessionState(CODEX, CODEX, "3 failing shell commands in a row")
    await store.escalate("s1", CODEX, "a later cause")
    await store.pin("s1", MINI)
    state = await store.get("s1")
    assert state is not None and state.escalated
    assert state == SessionState(CODEX, CODEX, "3 failing shell commands in a row")


async def test_escalating_an_unknown_session_creates_it(store: SessionStore) -> None:
    await store.escalate("new", CODEX, "upstream failure after retries")
    assert await store.get("new") == SessionState(CODEX, CODEX, "upstream failure after retries")


async def test_sessions_are_independent_and_keys_may_be_long_or_unusual(store: SessionStore) -> None:
    long_key = "k" * 5000
    odd_key = "thread: ünïcode / with spaces {and} *glob*"
    await store.pin(long_key, MINI)
    await store.pin(odd_key, CODEX)
    assert await store.get(long_key) == SessionState(pinned_model=MINI)
    assert await store.get(odd_key) == SessionState(pinned_model=CODEX)
    assert await store.get("k" * 4999) is None


async def test_memory_sessions_expire_after_the_ttl_from_their_last_use() -> None:
    clock = ManualClock()
    store = MemorySessionStore(ttl_s=60, max_size=10, clock=clock)
    await store.pin("s1", MINI)
    clock.advance(50)
    assert await store.get("s1") is not None  # touched: the TTL runs again from here
    clock.advance(50)
    assert await store.get("s1") is not None
    clock.advance(61)
    assert await store.get("s1") is None


async def test_redis_sessions_carry_the_ttl_and_a_read_renews_it(redis_url: str, redis_prefix: str) -> None:
    settings = SessionSettings(backend="redis", redis_url=redis_url, redis_prefix=redis_prefix, ttl_s=600)
    store = open_sessions(settings, clock=ManualClock(), env={})
    assert isinstance(store, RedisSessionStore)
    try:
        await store.pin("s1", MINI)
        key = store.redis_key("s1")
        assert key.startswith(redis_prefix)
        assert 590_000 < await store.client.pttl(key) <= 600_000
        await store.client.pexpire(key, 5_000)
        assert (await store.get("s1")) is not None
        assert await store.client.pttl(key) > 590_000
        assert len(store.redis_key("x" * 5000)) < 200  # long client keys are stored by their hash
    finally:
        await store.aclose()


async def test_redis_sessions_fail_open_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    settings = SessionSettings(backend="redis", redis_url=f"redis://127.0.0.1:{port}/0")
    store = open_sessions(settings, clock=ManualClock(), env={})
    try:
        with caplog.at_level(logging.WARNING, logger="laneway.sessions"):
            assert await store.get("s1") is None
            await store.pin("s1", MINI)
            await store.escalate("s1", CODEX, "cause")
        assert sum("Redis unavailable" in r.getMessage() for r in caplog.records) == 3
    finally:
        await store.aclose()


def test_a_redis_backend_without_a_url_names_the_setting_and_the_variable() -> None:
    with pytest.raises(ConfigError, match=r"sessions\.redis_url.*\$LANEWAY_REDIS_URL"):
        open_sessions(SessionSettings(backend="redis"), clock=ManualClock(), env={})


def test_the_url_may_come_from_the_environment(redis_url: str) -> None:
    store = open_sessions(
        SessionSettings(backend="redis"), clock=ManualClock(), env={"LANEWAY_REDIS_URL": redis_url}
    )
    assert isinstance(store, RedisSessionStore)
