"""The console's pages, one module per area; each adds its routes to the console blueprint."""

from server.console.views import code_cards, desk, households, login, records  # noqa: F401
