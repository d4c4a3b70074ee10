"""Flask's JSON provider on orjson: the same JSON, encoded and decoded several times faster.

Every answer goes through it (a record after a witness confirms, a passbook page of
twenty lines). Answers are byte for byte what the default provider sends with
`ensure_ascii=False` and keys in the order given: Chinese text as UTF-8, compact
separators, dates through Flask's own `default` (HTTP dates, as before); `dumps` is
compact too. Anything orjson refuses (an integer beyond 64 bits, pretty printing in
debug, explicit options) falls back to the standard library.
"""

import orjson
from flask.json.provider import DefaultJSONProvider

_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME


class OrjsonProvider(DefaultJSONProvider):
    ensure_ascii = False
    sort_keys = False

    def _encode(self, obj) -> bytes | None:
        try:
            return orjson.dumps(obj, default=self.default, option=_OPTIONS)
        except orjson.JSONEncodeError:
            return None

    def dumps(self, obj, **kwargs) -> str:
        encoded = None if kwargs else self._encode(obj)
        return super().dumps(obj, **kwargs) if encoded is None else encoded.decode()

    def loads(self, s, **kwargs):
        return super().loads(s, **kwargs) if kwargs else orjson.loads(s)

    def response(self, *args, **kwargs):
        pretty = self.compact is False or (self.compact is None and self._app.debug)
        encoded = None if pretty else self._encode(self._prepare_response_obj(args, kwargs))
        if encoded is None:
            return super().response(*args, **kwargs)
        return self._app.response_class(encoded + b"\n", mimetype=self.mimetype)
