"""One way to reach Redis for every backend that uses it (limits, sessions).

redis-py loads only when a Redis backend is configured (the ``redis`` extra).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from laneway.errors import ConfigError

if TYPE_CHECKING:
    import redis.asyncio as aioredis


def resolve_url(url: str | None, env_name: str, env: Mapping[str, str], section: str) -> str:
    """``url``, else the environment variable ``env_name``; a :class:`ConfigError` naming both."""
    found = url or env.get(env_name, "")
    if not found:
        raise ConfigError(f"{section}.redis_url", f"backend redis needs {section}.redis_url or ${env_name}")
    return found


def connect(url: str, *, field: str, max_connections: int = 64, timeout_s: float = 5.0) -> aioredis.Redis:
    """A client on a blocking pool: a burst of requests waits for a connection instead of failing.

    No connection is made until the first command. ``field`` names the setting that asked for
    Redis, for the error when redis-py is not installed.
    """
    try:
        import redis.asyncio as aioredis
    except ModuleNotFoundError:
        raise ConfigError(field, "redis needs redis-py: pip install 'laneway[redis]'") from None
    pool = aioredis.BlockingConnectionPool.from_url(url, max_connections=max_connections, timeout=timeout_s)
    client: aioredis.Redis = aioredis.Redis.from_pool(pool)
    return client


def redis_errors() -> tuple[type[BaseException], ...]:
    """What a Redis call raises when Redis is unreachable or refuses (redis-py loaded here)."""
    from redis.exceptions import RedisError

    return (RedisError, OSError)
