"""The console's pages, one module per area; each adds its routes to the console blueprint, once per process."""

from server.console import gate
from server.console.blueprint import bp
from server.console.views import (  # noqa: F401 - every page module adds its routes
    agreements,
    audits,
    code_cards,
    desk,
    events,
    exchange,
    households,
    imports,
    login,
    month,
    recognition,
    records,
    reports,
)

gate.init_blueprint(bp)
