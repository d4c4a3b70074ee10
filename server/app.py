"""Love Bank's Flask application factory (`server.create_app` calls it)."""

import logging

from flask import Flask

from config import settings as settings_module
from server import clock, db, queueing, runtime
from server.extensions import connections, errors, limits, parsing, reconnect
from server.extensions.json import OrjsonProvider
from server.extensions.smorest import Api

API_DOC = {
    "API_TITLE": "Love Bank (爱心银行) API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "OPENAPI_SWAGGER_UI_PATH": "docs",
    "OPENAPI_SWAGGER_UI_URL": "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5/",
    "API_SPEC_OPTIONS": {
        "info": {
            "description": (
                "A community time bank: volunteers bank the minutes they give, residents book "
                "services, retired volunteers redeem banked hours. Times are integer minutes. "
                "Errors use `{code, status, message, errors}`; `message` is Chinese text for people. "
                "Rate limits: logins, certificate checks and QR/code confirmations per client address and "
                "per member, every write per member; over a limit the answer is 429 with `Retry-After` "
                "(seconds) and `errors.rule` `rate_limited`."
            )
        },
        "components": {"securitySchemes": {"bearerAuth": {"type": "http", "scheme": "bearer"}}},
    },
    "PAGINATION_PAGE_SIZE": 20,
    "PAGINATION_MAX_PAGE_SIZE": 100,
}


def create_app(test_config: dict | None = None) -> Flask:
    """Defaults and environment (config.settings), then the test mapping."""
    app = Flask("server")  # named after the package, as before the factory moved here (its logger, its root path)
    values = settings_module.load(test_config)
    app.config.update(values)
    app.config.update(API_DOC)
    app.config["JSON_AS_ASCII"] = False
    app.json = OrjsonProvider(app)  # UTF-8, keys in their schema's order
    clock.configure(values["TIMEZONE"])
    runtime.configure(values)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    parsing.init_app(app)  # first: bounds `<int:...>` before routes are added, refuses large bodies before all else
    db.init_db(values["DATABASE_URL"], prepare=values["PG_PREPARED_STATEMENTS"])
    connections.init_app(app)
    errors.init_app(app)
    limits.init_app(app)
    reconnect.init_app(app)
    queueing.init_app(app)

    from server import hooks
    from server.resources import register_blueprints
    from server.resources.auth.routes import dev_blueprint

    hooks.install()
    api = Api(app)
    register_blueprints(api)
    if values["DEV_LOGIN"]:
        api.register_blueprint(dev_blueprint())

    from server import console

    console.init_app(app)

    from server.cli import register_commands

    register_commands(app)
    return app
