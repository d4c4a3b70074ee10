"""Workers open the database without Flask: settings, clock and connection, once per process."""

from contextlib import contextmanager

from config import settings as settings_module
from server import clock, runtime
from server.db import database, init_db

_settings: dict | None = None
_clients: dict = {}


def settings() -> dict:
    global _settings
    if _settings is None:
        _settings = settings_module.load()
        clock.configure(_settings["TIMEZONE"])
        runtime.configure(_settings)
        init_db(_settings["DATABASE_URL"])
        _wire()
    return _settings


def _wire() -> None:
    """The server's registries and the workers' outbox handlers, in their one place each."""
    from server import hooks
    from workers import jobs

    hooks.install()
    jobs.register()


def configure(overrides: dict) -> dict:
    """Tests point the workers at their database and Redis."""
    global _settings
    _settings = settings_module.load(overrides)
    clock.configure(_settings["TIMEZONE"])
    runtime.configure(_settings)
    init_db(_settings["DATABASE_URL"])
    _wire()
    return _settings


@contextmanager
def job_db():
    """A job opens the database and closes it after, whatever happens (docs/architecture.md, the outbox)."""
    settings()
    database.connect(reuse_if_open=True)
    try:
        yield
    finally:
        if not database.is_closed():
            database.close()


def wechat_client():
    """The WeChat client for these settings (None when WeChat is off); its token lives in Redis."""
    from server.redis_conn import get_redis, resolve_url
    from server.services.messaging.wechat import make_client

    settings()
    key = tuple(runtime.setting(name) for name in ("WECHAT_APPID", "WECHAT_SECRET", "WECHAT_API_BASE", "REDIS_URL",
                                                    "WECHAT_TIMEOUT_SECONDS"))
    if key not in _clients:
        _clients[key] = make_client(get_redis(resolve_url(runtime.setting("REDIS_URL"))))
    return _clients[key]
