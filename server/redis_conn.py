"""One Redis connection per URL per process, for RQ, the WeChat token cache and health."""

from functools import lru_cache

from redis import Redis

DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"


def resolve_url(configured: str) -> str:
    return configured or DEFAULT_REDIS_URL


@lru_cache(maxsize=8)
def get_redis(url: str) -> Redis:
    # Short timeouts: a request must not hang when Redis is down (the outbox keeps the work).
    return Redis.from_url(url, socket_connect_timeout=0.5, socket_timeout=2, health_check_interval=30)


def redis_ok(url: str) -> bool:
    try:
        return bool(get_redis(url).ping())
    except Exception:  # noqa: BLE001 - any failure means "not reachable"
        return False
