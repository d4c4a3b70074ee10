"""The one pager: keyset pages with an opaque `cursor` in, `next_cursor` out, on every list.

A list is walked in a fixed order of key columns (all ascending or all descending, the last one
unique, e.g. `(published_at, id)` newest first). A page is the `limit` rows after the last key
of the previous page, so a row inserted meanwhile never shifts a page: nothing is seen twice or
skipped, and the 10,000th page costs what the first does (no OFFSET, no COUNT).

On the wire, the same everywhere:
- query `cursor`: the previous answer's `next_cursor`, passed back as is (omit it for the first
  page); anything else is 422 naming `cursor`;
- query `limit`: rows per page, 1 to MAX_LIMIT (default DEFAULT_LIMIT);
- body `next_cursor`: beside the page's rows, null on the last page. A list answers
  `{"items": [...], "next_cursor": ...}`; a document that holds one paged list (the passbook's
  `entries`) carries `next_cursor` at its top level.

The body, not a header: the cursor endpoints already answered so, a page is one object a client
reads in one place, and the OpenAPI description shows `next_cursor` in each answer's schema.
flask-smorest's pagination hooks are used as they are meant to be overridden: the Blueprint's
`paginate` parses these parameters, `_set_pagination_metadata` puts `next_cursor` in the body,
and the parameters are documented through flask-smorest's own pagination doc callback.

Two ways to page, as flask-smorest has:
- the view returns a peewee query and a `KeysetPage` subclass (its `keyset` says the order)
  adds the key condition, the order and the LIMIT;
- a hot list whose service pages itself (the passbook, the board) takes
  `pagination_parameters` (`.after`, the decoded key or None, and `.limit`) and sets
  `pagination_parameters.next_after` to the last row's key when there is more.
"""

import marshmallow as ma
from flask_smorest import Page

from server.keyset import MAX_CURSOR_CHARS, Keyset

DEFAULT_LIMIT = 20
MAX_LIMIT = 100
BAD_CURSOR = "翻页参数不对，请从第一页重新加载"


class CursorParameters:
    """What a request asked for (`after`: the decoded key, None for the first page; `limit`) and
    the key to go on from (`next_after`, None at the end), as flask-smorest's PaginationParameters."""

    def __init__(self, keyset: Keyset, after: tuple | None, limit: int):
        self.keyset = keyset
        self.after = after
        self.limit = limit
        self.next_after = None

    @property
    def next_cursor(self) -> str | None:
        return None if self.next_after is None else self.keyset.encode(self.next_after)

    def __repr__(self):
        return f"CursorParameters(after={self.after!r}, limit={self.limit!r})"


class CursorField(ma.fields.String):
    """The opaque `cursor`: decoded against the list's keyset, 422 naming `cursor` if it is not one."""

    def __init__(self, keyset: Keyset, **kwargs):
        super().__init__(validate=ma.validate.Length(max=MAX_CURSOR_CHARS, error=BAD_CURSOR), **kwargs)
        self.keyset = keyset

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return self.keyset.decode(text)
        except ValueError:
            raise ma.ValidationError(BAD_CURSOR) from None


def parameters_schema(keyset: Keyset, *, limit: int = DEFAULT_LIMIT, max_limit: int = MAX_LIMIT) -> ma.Schema:
    """The query parameters of a paged list (the same on every list)."""
    default_limit = limit

    class CursorParametersSchema(ma.Schema):
        class Meta:
            unknown = ma.EXCLUDE  # the view's own query schema reads the rest

        cursor = CursorField(keyset, metadata={
            "description": "The previous page's `next_cursor`, passed back as is; omit it for the first page"})
        limit = ma.fields.Integer(load_default=default_limit, validate=ma.validate.Range(min=1, max=max_limit), metadata={
            "description": f"Rows per page (1 to {max_limit})"})

        @ma.post_load
        def make_parameters(self, data, **kwargs):
            return CursorParameters(keyset, data.get("cursor"), data["limit"])

    return CursorParametersSchema()


def plain_first_page(keyset: Keyset, args, *, limit: int = DEFAULT_LIMIT,
                     max_limit: int = MAX_LIMIT) -> CursorParameters | None:
    """A first page asked for plainly — no `cursor`, and no `limit` or one `limit` of digits in range — read
    without the parser (what it would have read); None for anything else, which the parser reads and answers.
    The first page is most of what the board and the passbook serve, and parsing cost more than their query."""
    if "cursor" in args:
        return None
    given = args.getlist("limit")
    if not given:
        return CursorParameters(keyset, None, limit)
    if len(given) == 1 and len(given[0]) <= 6 and given[0].isascii() and given[0].isdigit() \
            and 1 <= int(given[0]) <= max_limit:
        return CursorParameters(keyset, None, int(given[0]))
    return None


def next_cursor_field(**metadata) -> ma.fields.String:
    """`next_cursor` as every paged answer documents it."""
    return ma.fields.String(allow_none=True, metadata={
        "description": "Pass back as `cursor` for the next page; null on the last page", **metadata})


def page_of(item_schema, *, name: str, verbatim: bool = False) -> type[ma.Schema]:
    """`{items, next_cursor}`: the answer of a paged list of `item_schema`."""
    from server.extensions.smorest import Schema, Verbatim

    items = (Verbatim(item_schema, many=True) if verbatim
             else ma.fields.List(ma.fields.Nested(item_schema)))
    return type(name, (Schema,), {"items": items, "next_cursor": next_cursor_field(),
                                  "Meta": type("Meta", (Schema.Meta,), {})})


class KeysetPage(Page):
    """Pages a peewee query by its `keyset`: one indexed query, `limit + 1` rows to know whether
    there is more. Override `items` to turn rows into views (after `super().items`)."""

    keyset: Keyset

    def __init__(self, collection, page_params: CursorParameters):
        self.collection = collection
        self.page_params = page_params

    @property
    def items(self):
        params = self.page_params
        query = self.collection.order_by(*self.keyset.order())
        if params.after is not None:
            query = query.where(self.keyset.after(params.after))
        rows = list(query.limit(params.limit + 1))
        if len(rows) > params.limit:
            params.next_after = self.keyset.key_of(rows[params.limit - 1])
        return rows[:params.limit]


def keyset_page(keyset: Keyset) -> type[KeysetPage]:
    """A KeysetPage walking a service's order (for views that show rows as they are)."""
    return type("KeysetPage", (KeysetPage,), {"keyset": keyset})
