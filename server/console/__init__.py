"""The service station's web console (服务站工作台) at /console/: server-rendered pages for coordinators.

Handlers, like the API's resources: each parses a form, passes the gate (`gate.staff`: the session
cookie, CSRF on every write, the same roles and object scopes as the API) and calls one service.
No rule lives here (docs/console.md).
"""

from server.console.blueprint import bp


def init_app(app) -> None:
    from server.console import views  # noqa: F401 - importing the views adds their routes to `bp` (once)

    app.register_blueprint(bp)
