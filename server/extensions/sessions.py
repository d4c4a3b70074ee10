"""Flask's cookie session only where it is used: the console's pages (their one-time messages, `flash`).

The API knows its caller by a bearer token and keeps nothing in a session, but Flask opened the cookie session
for every request all the same (a signing serializer built per request, a cookie looked for): the API's
requests get the null session, which refuses to be written to and is never saved.
"""

from flask.sessions import NullSession, SecureCookieSessionInterface

CONSOLE_PREFIX = "/console"  # server/console/blueprint.py's url_prefix


class _NoSession(NullSession):
    """Readable (empty); writing to it outside the console is a mistake, said so."""

    def _refuse(self, *args, **kwargs):
        raise RuntimeError("the API keeps no Flask session (it knows its caller by the token); only the console does")

    __setitem__ = __delitem__ = clear = pop = popitem = update = setdefault = _refuse


class ConsoleSessions(SecureCookieSessionInterface):
    null_session_class = _NoSession

    def open_session(self, app, request):
        if request.path != CONSOLE_PREFIX and not request.path.startswith(CONSOLE_PREFIX + "/"):
            return None  # Flask then uses the null session, and never saves it
        return super().open_session(app, request)


def init_app(app) -> None:
    app.session_interface = ConsoleSessions()
