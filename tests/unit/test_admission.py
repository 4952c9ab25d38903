"""Admission: every refusal (401, 403, 429 budget, 429 rate, spill hint), settle, serve checks."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from laneway.admission import (
    Admission,
    BudgetExhaustedError,
    KeyContext,
    ModelSaturatedError,
    RateLimitedError,
    check_bind,
    check_workers,
)
from laneway.catalog.model import load_catalog
from laneway.config import parse_config
from laneway.errors import AuthenticationError, ConfigError, PermissionDeniedError
from laneway.keys.cache import KeyCache
from laneway.keys.service import KeyService
from laneway.keys.sqlite import SQLiteKeyStore
from laneway.limits.base import open_limits
from laneway.limits.settings import LimitsSettings

SECRET = b"test-secret-0123456789abcdef"
MASTER = "master-key-0123456789abcdef"
MINI, CODEX = "gpt-5.4-mini", "gpt-5.3-codex"


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[SQLiteKeyStore]:
    backend = SQLiteKeyStore(tmp_path / "keys.db")
    await backend.start()
    yield backend
    await backend.close()


def _admission(store: SQLiteKeyStore, clock: Clock, **limits: object) -> Admission:
    settings = LimitsSettings(**limits)  # type: ignore[arg-type]
    return Admission(
        mode="keys",
        keys=KeyCache(store, ttl_s=5.0, clock=clock),
        secret=SECRET,
        master_key=MASTER,
        limits=open_limits(settings),
        catalog=load_catalog(),
        settings=settings,
        tier=1,
        clock=clock,
    )


@pytest.fixture
def admission(store: SQLiteKeyStore, clock: Clock) -> Admission:
    return _admission(store, clock)


@pytest.fixture
def service(store: SQLiteKeyStore, clock: Clock, admission: Admission) -> KeyService:
    return KeyService(store, SECRET, clock=clock, cache=admission.keys)


# -- 401 ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("header", [None, "", "Basic abc", "Bearer ", "lw-abc"])
async def test_no_key_is_401_in_openais_shape(admission: Admission, header: str | None) -> None:
    with pytest.raises(AuthenticationError) as info:
        await admission.authenticate(header)
    body = info.value.to_body()["error"]
    assert info.value.status_code == 401
    assert body == {
        "message": body["message"],
        "type": "invalid_request_error",
        "param": None,
        "code": "invalid_api_key",
    }  # type: ignore[index]


async def test_a_valid_key_authenticates_and_a_wrong_one_does_not(
    admission: Admission, service: KeyService
) -> None:
    raw, record = await service.create(name="a")
    ctx = await admission.authenticate(f"Bearer {raw}")
    assert ctx.key == record and ctx.key_id == record.id
    assert (await admission.authenticate(f"bearer   {raw}")).key == record
    with pytest.raises(AuthenticationError, match="Incorrect API key"):
        await admission.authenticate(f"Bearer {raw[:-1]}x")


@pytest.mark.parametrize(
    "evil", ["lw-' OR '1'='1", "lw-x'; DROP TABLE laneway_keys; --", "' OR 1=1 --", "lw-" + "A" * 5000]
)
async def test_injection_shaped_keys_are_refused_and_the_store_is_intact(
    admission: Admission, service: KeyService, store: SQLiteKeyStore, evil: str
) -> None:
    raw, _ = await service.create()
    with pytest.raises(AuthenticationError):
        await admission.authenticate(f"Bearer {evil}")
    assert len(await store.list()) == 1
    assert (await admission.authenticate(f"Bearer {raw}")).key is not None


async def test_revocation_is_seen_at_once_here_and_within_the_cache_ttl_elsewhere(
    store: SQLiteKeyStore, clock: Clock, admission: Admission, service: KeyService
) -> None:
    other_replica = _admission(store, clock)
    raw, record = await service.create()
    await other_replica.authenticate(f"Bearer {raw}")  # cached there
    await service.revoke(record.id)
    with pytest.raises(AuthenticationError, match="revoked"):
        await admission.authenticate(f"Bearer {raw}")
    assert (await other_replica.authenticate(f"Bearer {raw}")).key is not None  # within the TTL
    clock.now += 5.0
    with pytest.raises(AuthenticationError, match="revoked"):
        await other_replica.authenticate(f"Bearer {raw}")


async def test_an_expired_key_is_401(admission: Admission, service: KeyService, clock: Clock) -> None:
    raw, _ = await service.create(expires=clock.now + 60)
    await admission.authenticate(f"Bearer {raw}")
    clock.now += 61
    with pytest.raises(AuthenticationError, match="expired"):
        await admission.authenticate(f"Bearer {raw}")


async def test_master_key_and_master_only_mode(
    store: SQLiteKeyStore, clock: Clock, service: KeyService
) -> None:
    admission = _admission(store, clock)
    ctx = await admission.authenticate(f"Bearer {MASTER}")
    assert ctx.is_master
    admission.require_master(ctx)
    raw, _ = await service.create()
    with pytest.raises(PermissionDeniedError):
        admission.require_master(await admission.authenticate(f"Bearer {raw}"))
    admission.mode = "master"
    with pytest.raises(AuthenticationError):
        await admission.authenticate(f"Bearer {raw}")
    assert (await admission.authenticate(f"Bearer {MASTER}")).is_master


# -- 403 ------------------------------------------------------------------------------------------
async def test_model_and_lane_not_allowed_are_403_on_every_admit(
    admission: Admission, service: KeyService
) -> None:
    raw, _ = await service.create(models=[MINI], lanes=["routine"])
    ctx = await admission.authenticate(f"Bearer {raw}")
    await admission.admit(ctx, model=MINI, lane="routine", max_cost_usd=0.01, est_tokens=10)
    with pytest.raises(PermissionDeniedError, match=CODEX) as info:
        await admission.admit(
            ctx, model=CODEX, lane="routine", max_cost_usd=0.01, est_tokens=10
        )  # a fallback
    assert info.value.status_code == 403 and info.value.to_body()["error"]["type"] == "permission_error"  # type: ignore[index]
    with pytest.raises(PermissionDeniedError, match="terminal"):
        await admission.admit(ctx, model=MINI, lane="terminal", max_cost_usd=0.01, est_tokens=10)
    assert admission.allowed_models(ctx) == frozenset({MINI})


# -- 429 budget -----------------------------------------------------------------------------------
async def test_budget_exhausted_is_429_insufficient_quota(admission: Admission, service: KeyService) -> None:
    raw, _ = await service.create(budget_usd=0.05, period="day")
    ctx = await admission.authenticate(f"Bearer {raw}")
    first = await admission.admit(ctx, model=MINI, lane="routine", max_cost_usd=0.04, est_tokens=10)
    with pytest.raises(BudgetExhaustedError) as info:
        await admission.admit(ctx, model=MINI, lane="routine", max_cost_usd=0.04, est_tokens=10)
    err = info.value
    assert err.status_code == 429
    assert err.to_body()["error"]["code"] == "insufficient_quota"  # type: ignore[index]
    assert err.to_body()["error"]["type"] == "insufficient_quota"  # type: ignore[index]
    await admission.settle(first, actual_cost_usd=0.001, actual_tokens=10)
    await admission.settle(first, actual_cost_usd=0.001, actual_tokens=10)  # twice: a no-op
    await admission.admit(ctx, model=MINI, lane="routine", max_cost_usd=0.04, est_tokens=10)


async def test_budget_holds_under_500_concurrent_admits(admission: Admission, service: KeyService) -> None:
    raw, _ = await service.create(budget_usd=0.5)
    ctx = await admission.authenticate(f"Bearer {raw}")

    async def one() -> float:
        try:
            res = await admission.admit(ctx, model=MINI, lane="routine", max_cost_usd=0.03, est_tokens=100)
        except BudgetExhaustedError:
            return 0.0
        await asyncio.sleep(0)
        await admission.settle(res, actual_cost_usd=0.03, actual_tokens=100)
        return 0.03

    spent = sum(await asyncio.gather(*(one() for _ in range(500))))
    assert spent <= 0.5 + 1e-9


async def test_budget_refusal_gives_back_the_rate_it_took(admission: Admission, service: KeyService) -> None:
    raw, _ = await service.create(budget_usd=0.01, rpm=2)
    ctx = await admission.authenticate(f"Bearer {raw}")
    for _ in range(3):
        with pytest.raises(BudgetExhaustedError):
            await admission.admit(ctx, model=MINI, lane="routine", max_cost_usd=1.0, est_tokens=1)
    await admission.admit(ctx, model=MINI, lane="routine", max_cost_usd=0.001, est_tokens=1)


# -- 429 rate -------------------------------------------------------------------------------------
async def test_rate_limited_is_429_with_retry_after_and_openai_headers(
    admission: Admission, service: KeyService, clock: Clock
) -> None:
    raw, _ = await service.create(rpm=2, tpm=10_000)
    ctx = await admission.authenticate(f"Bearer {raw}")
    ok = await admission.admit(ctx, model=MINI, lane="routine", max_cost_usd=0.0, est_tokens=100)
    assert ok.headers["x-ratelimit-limit-requests"] == "2"
    assert ok.headers["x-ratelimit-remaining-requests"] == "1"
    await admission.admit(ctx, model=MINI, lane="routine", max_cost_usd=0.0, est_tokens=100)
    with pytest.raises(RateLimitedError) as info:
        await admission.admit(ctx, model=MINI, lane="routine", max_cost_usd=0.0, est_tokens=100)
    err = info.value
    assert err.status_code == 429 and err.to_body()["error"]["code"] == "rate_limit_exceeded"  # type: ignore[index]
    assert err.headers["retry-after"] == "30"
    assert err.headers["x-ratelimit-remaining-requests"] == "0"
    assert err.headers["x-ratelimit-limit-tokens"] == "10000"
    clock.now += 30
    await admission.admit(ctx, model=MINI, lane="routine", max_cost_usd=0.0, est_tokens=100)


async def test_rpm_holds_to_within_one_under_concurrency(admission: Admission, service: KeyService) -> None:
    raw, _ = await service.create(rpm=25)
    ctx = await admission.authenticate(f"Bearer {raw}")

    async def one() -> bool:
        try:
            await admission.admit(ctx, model=MINI, lane="routine", max_cost_usd=0.0, est_tokens=1)
        except RateLimitedError:
            return False
        return True

    assert sum(await asyncio.gather(*(one() for _ in range(500)))) == 25


async def test_model_tpm_gone_says_whether_the_lane_may_spill(store: SQLiteKeyStore, clock: Clock) -> None:
    admission = _admission(store, clock, spill_lanes=["routine"])
    ctx = KeyContext("master")
    tpm = admission.catalog.models[MINI].tpm_by_tier[1]
    await admission.admit(ctx, model=MINI, lane="routine", max_cost_usd=0.0, est_tokens=tpm)
    with pytest.raises(ModelSaturatedError) as info:
        await admission.admit(ctx, model=MINI, lane="routine", max_cost_usd=0.0, est_tokens=1000)
    assert info.value.model == MINI and info.value.spill_allowed
    assert info.value.headers["x-ratelimit-limit-tokens"] == str(tpm)
    with pytest.raises(ModelSaturatedError) as info:
        await admission.admit(ctx, model=MINI, lane="cloud_task", max_cost_usd=0.0, est_tokens=1000)
    assert not info.value.spill_allowed
    await admission.admit(ctx, model=CODEX, lane="routine", max_cost_usd=0.0, est_tokens=1000)  # the spill


async def test_settle_gives_back_unused_tokens(admission: Admission, service: KeyService) -> None:
    raw, _ = await service.create(tpm=1000)
    ctx = await admission.authenticate(f"Bearer {raw}")
    res = await admission.admit(ctx, model=MINI, lane="routine", max_cost_usd=0.0, est_tokens=900)
    await admission.settle(res, actual_cost_usd=0.0, actual_tokens=100)
    await admission.admit(ctx, model=MINI, lane="routine", max_cost_usd=0.0, est_tokens=900)


def test_max_cost_uses_the_models_max_output_when_the_request_sets_none(admission: Admission) -> None:
    card = admission.catalog.models[CODEX]
    expected = (1000 * card.price_per_mtok.input + card.max_output_tokens * card.price_per_mtok.output) / 1e6
    assert admission.max_cost_usd(CODEX, 1000, None) == pytest.approx(expected)
    assert admission.max_cost_usd(CODEX, 1000, 10) < expected


# -- the raw key never leaves -----------------------------------------------------------------------
async def test_the_raw_key_is_never_logged_or_stored(
    admission: Admission, service: KeyService, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    raw, record = await service.create(budget_usd=0.01, rpm=1)
    ctx = await admission.authenticate(f"Bearer {raw}")
    for _ in range(3):
        try:
            res = await admission.admit(ctx, model=MINI, lane="routine", max_cost_usd=0.008, est_tokens=5)
            await admission.settle(res, actual_cost_usd=0.008, actual_tokens=5)
        except (RateLimitedError, BudgetExhaustedError) as exc:
            assert raw not in str(exc) and raw not in str(exc.to_body()) and raw not in str(exc.headers)
    with pytest.raises(AuthenticationError) as info:
        await admission.authenticate(f"Bearer {raw}x")
    assert raw not in str(info.value.to_body())
    assert raw not in caplog.text
    assert raw not in str(record) and raw not in str(record.public()) and ctx.key_id == record.id
    for file in tmp_path.rglob("*"):
        if file.is_file():
            assert raw.encode() not in file.read_bytes(), file


# -- serve checks ---------------------------------------------------------------------------------
def test_workers_with_in_process_limits_are_refused_naming_the_redis_setting() -> None:
    with pytest.raises(ConfigError, match=r"limits.backend: redis"):
        check_workers(parse_config({}), 4)
    check_workers(parse_config({}), 1)
    check_workers(parse_config({"limits": {"backend": "redis"}}), 4)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.5", "::", "example.com"])
def test_auth_none_is_refused_on_a_non_loopback_bind(host: str) -> None:
    with pytest.raises(ConfigError, match="loopback"):
        check_bind(parse_config({"auth": {"mode": "none"}}), host)


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost", "127.0.0.2"])
def test_auth_none_is_allowed_on_loopback(host: str) -> None:
    check_bind(parse_config({"auth": {"mode": "none"}}), host)
    check_bind(parse_config({}), "0.0.0.0")


async def test_auth_none_admits_anonymous(tmp_path: Path) -> None:
    config = parse_config({"auth": {"mode": "none"}})
    admission = await Admission.open(config, load_catalog(), env={})
    ctx = await admission.authenticate(None)
    assert ctx.kind == "anonymous" and ctx.key_id is None
    await admission.close()


async def test_open_from_config_issues_and_checks_keys(tmp_path: Path) -> None:
    config = parse_config(
        {
            "keys": {"path": str(tmp_path / "k.db")},
            "auth": {"mode": "keys", "secret_file": str(tmp_path / "s")},
        }
    )
    admission = await Admission.open(config, load_catalog(), env={})
    assert admission.keys is not None
    service = KeyService(
        admission.keys.store, (tmp_path / "s").read_text().strip().encode(), clock=lambda: 1e9
    )
    raw, record = await service.create()
    assert (await admission.authenticate(f"Bearer {raw}")).key == record
    assert (tmp_path / "s").stat().st_mode & 0o077 == 0
    await admission.close()
