"""The console's pages, one module per area; each adds its routes to the console blueprint, once per process."""

from server.console import gate
from server.console.blueprint import bp
from server.console.views import code_cards, desk, households, login, records  # noqa: F401

gate.init_blueprint(bp)
