"""Love Bank's server: the Flask API (built by server/app.py) and the domain it shares with the workers.

Importing this package loads no Flask: the RQ workers import `server.services` and never the
web stack (tests/test_layers.py checks it). `create_app` is reached from here, as in Flask's
tutorial (`from server import create_app`, `gunicorn server.wsgi:app`).
"""


def create_app(test_config: dict | None = None):
    """The Flask application: defaults and environment (config.settings), then the test mapping."""
    from server.app import create_app as build

    return build(test_config)
