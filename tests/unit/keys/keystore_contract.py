"""The KeyStore contract: every backend must pass it. Subclass with a started ``store`` fixture."""

from __future__ import annotations

import asyncio

from laneway.keys.base import KeyStore
from laneway.keys.model import Period, VirtualKey, generate_key, generate_key_id, hash_key

SECRET = b"contract-secret-0123456789abcdef"


def make_key(**changes: object) -> tuple[str, VirtualKey]:
    raw = generate_key()
    fields: dict[str, object] = {
        "id": generate_key_id(),
        "name": "team-a",
        "key_hash": hash_key(SECRET, raw),
        "created": 1_800_000_000.0,
        "budget_usd": 12.5,
        "period": Period.MONTH,
        "rpm": 60,
        "tpm": 100_000,
        "models": ("gpt-5.4-mini",),
        "lanes": ("routine", "subagent"),
        "expires": 1_900_000_000.0,
    }
    fields.update(changes)
    return raw, VirtualKey(**fields)  # type: ignore[arg-type]


class KeyStoreContract:
    async def test_a_created_key_is_found_by_its_hash_only(self, store: KeyStore) -> None:
        raw, key = make_key()
        await store.create(key)
        assert await store.get_by_hash(key.key_hash) == key
        assert await store.get_by_hash(raw) is None  # the raw key is not what is stored
        assert await store.get(key.id) == key

    async def test_unlimited_key_round_trips(self, store: KeyStore) -> None:
        _, key = make_key(budget_usd=None, rpm=None, tpm=None, models=(), lanes=(), expires=None)
        await store.create(key)
        assert await store.get(key.id) == key

    async def test_list_returns_every_key_oldest_first(self, store: KeyStore) -> None:
        keys = [make_key(created=1_800_000_000.0 + i)[1] for i in range(3)]
        for key in reversed(keys):
            await store.create(key)
        assert list(await store.list()) == keys

    async def test_revoke_marks_the_key_and_reports_unknown_ids(self, store: KeyStore) -> None:
        _, key = make_key()
        await store.create(key)
        assert await store.revoke(key.id)
        found = await store.get_by_hash(key.key_hash)
        assert found is not None and found.revoked
        assert not await store.revoke("key_does_not_exist")

    async def test_sql_injection_shaped_lookups_are_harmless(self, store: KeyStore) -> None:
        _, key = make_key()
        await store.create(key)
        for evil in ("' OR '1'='1", "x'; DROP TABLE laneway_keys; --", '" OR 1=1 --', "%", "\\' OR 1=1 #"):
            assert await store.get_by_hash(evil) is None
            assert await store.get(evil) is None
            assert not await store.revoke(evil)
        assert list(await store.list()) == [key]

    async def test_a_name_with_quotes_is_stored_verbatim(self, store: KeyStore) -> None:
        _, key = make_key(name="Robert'); DROP TABLE laneway_keys;--")
        await store.create(key)
        assert await store.get(key.id) == key

    async def test_concurrent_lookups_all_see_the_key(self, store: KeyStore) -> None:
        _, key = make_key()
        await store.create(key)
        found = await asyncio.gather(*(store.get_by_hash(key.key_hash) for _ in range(50)))
        assert all(f == key for f in found)
