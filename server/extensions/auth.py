"""Login tokens and the gate every route declares: who may call it, and which objects.

Each view method carries `@auth.roles(...)` or `@auth.public` as its outermost
decorator, so a stranger gets 401 and a wrong role 403 before the body is parsed.
Path parameters naming objects (`household_id`, ...) are registered here with the
model they name; the gate answers 404 when the object is missing or belongs to
another community (admins see every community). Services still check the finer
rules (a resident sees only their own household's passbook). The authorization test
reads `lb_access` from every route and fails on a route or parameter not declared.
"""

import time
from copy import deepcopy
from functools import wraps

from flask import current_app, g, request
from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from peewee import JOIN

from server import models, runtime
from server.db import Prepared, is_id, values_maker
from server.errors import Forbidden, NotFound, Unauthenticated
from server.models import Member

PUBLIC = "public"
MEMBER = "member"  # anyone logged in
RESIDENT = "resident"  # a member of a household
VOLUNTEER = "volunteer"
COORDINATOR = "coordinator"
ADMIN = "admin"

ROLE_DOC = {
    PUBLIC: "anyone",
    MEMBER: "any logged-in member",
    RESIDENT: "residents (members of a household)",
    VOLUNTEER: "volunteers",
    COORDINATOR: "coordinators of the object's community",
    ADMIN: "admins",
}

# param name -> function(id) returning (the object's community id, a tuple of the community ids it
# belongs to (a transfer between two communities, a network), "global" or None if missing; the row)
_SCOPES: dict[str, callable] = {}
_SHARED: dict[str, callable] = {}
# param name -> function(member id, object id) returning (the Member row or None, what the param's loader answers):
# the caller and the object in one statement, for a scope whose row the gate loads whole.
_WITH_MEMBER: dict[str, callable] = {}
_SCOPE_MODELS: dict[str, type] = {}  # param name -> the model it names


def register_scope(param: str, model_name: str, community_of=None, shared_with=None, *, join: bool = True) -> None:
    """Declare that URL parameter `param` names a row of the model called `model_name`, scoped to a community.

    By name, so that route modules import no models (tests/test_routes_thin.py); a misspelt
    name fails at import. By default the gate loads the whole row once (views get it from
    `scoped_object`); `community_of(id)`, a service function, replaces that for models whose
    community is found elsewhere; it may answer a tuple of community ids for an object that
    belongs to several (a transfer between two communities, a network): a member of any passes.
    `shared_with(row)`, a service function asked only when the member is of another community than the
    row's, may name further communities the row is shared with (a payback task opened to the network).
    `join`: the gate reads the row with the logged-in member, in one statement (False for a model whose rows are
    large, which a caller the role check then refuses should not cost a read: an import's sheet).
    """
    if shared_with is not None:
        _SHARED[param] = shared_with
    model = _SCOPE_MODELS[param] = getattr(models, model_name)
    if community_of is None:
        lookup = Prepared(lambda object_id: model.select().where(model.id == object_id))

        def load(object_id):
            return _scoped(lookup.first(object_id))

        _SCOPES[param] = load
        if join:
            _WITH_MEMBER[param] = _member_and_object(model)
        else:
            _WITH_MEMBER.pop(param, None)
    else:
        _SCOPES[param] = lambda object_id: (community_of(object_id), None)
        _WITH_MEMBER.pop(param, None)


def _scoped(row):
    """What a scope's loader answers for a row it read (None: there is none)."""
    if row is None:
        return None, None
    return (row.community_id if row.community_id is not None else "global"), row


def _member_and_object(model):
    """The caller (by id) and the object (by id) in one statement, a LEFT JOIN on nothing but the object's id:
    on PostgreSQL every statement is a round trip, and nearly every request names an object."""
    other = model.alias("scoped")
    member_fields = Member._meta.sorted_fields
    lookup = Prepared(lambda member_id, object_id: Member.select(*member_fields, *other.get_field_aliases())
                      .join(other, JOIN.LEFT_OUTER, on=(other.id == object_id)).where(Member.id == member_id).tuples())
    member_made, made, split = values_maker(Member), values_maker(model), len(member_fields)
    key = split + model._meta.sorted_fields.index(model._meta.primary_key)  # NULL only when there is no such row

    def load(member_id, object_id):
        """(the member or None, a function answering what the scope's loader would): the object is built only
        when the scope check asks for it, after the token and the roles have passed."""
        rows = lookup.tuples(member_id, object_id)
        if not rows:
            return None, lambda: (None, None)
        row = rows[0]
        return member_made(row[:split]), lambda: _scoped(None if row[key] is None else made(row[split:]))

    return load


def scoped_object(param: str):
    """The row the gate loaded for a path parameter (None when the scope has no loader)."""
    return g.scoped_objects.get(param)


def scoped_params() -> set[str]:
    return set(_SCOPES)


_MEMBER_BY_ID = Prepared(lambda member_id: Member.select().where(Member.id == member_id))


_serializers: dict[tuple[str, str], URLSafeTimedSerializer] = {}


def _serializer(salt: str) -> URLSafeTimedSerializer:
    """One serializer per key and salt (every request checks a token with it)."""
    key = (runtime.setting("SECRET_KEY"), salt)
    found = _serializers.get(key)
    if found is None:
        found = _serializers[key] = URLSafeTimedSerializer(key[0], salt=salt)
    return found


def issue_token(member: Member) -> str:
    return _serializer("login").dumps({"m": member.id, "v": member.token_version})


# Tokens whose signature this process has checked: (key, token) -> (payload, signed at). A member
# sends the same token with every request, so the HMAC is worked out once; the age is checked
# every time, and revocation (token_version, erasure) is read from the database every time.
_verified: dict[tuple[str, str], tuple[dict, float]] = {}
_VERIFIED_MAX = 4096


def _token_data(token: str) -> dict:
    max_age = runtime.setting("TOKEN_TTL_SECONDS")
    key = (runtime.setting("SECRET_KEY"), token)
    hit = _verified.get(key)
    if hit is None:
        data, signed_at = _serializer("login").loads(token, max_age=max_age, return_timestamp=True)
        if len(_verified) >= _VERIFIED_MAX:
            _verified.pop(next(iter(_verified)), None)
        hit = _verified[key] = (data, signed_at.timestamp())
    elif time.time() - hit[1] > max_age:
        raise SignatureExpired("token expired")
    return hit[0]


def member_from_token(token: str, load=None) -> Member:
    """The member a login token names, or 401. `load(member_id)` reads the member (None: there is none)
    instead of the gate's own lookup; see `roles`."""
    try:
        data = _token_data(token)
    except SignatureExpired:
        raise Unauthenticated("登录已过期，请重新登录", rule="token_expired") from None
    except BadSignature:
        raise Unauthenticated("登录信息无效，请重新登录", rule="token_invalid") from None
    # The signature proves we wrote the payload, not that it has today's shape: a token signed
    # with this key for something else, or by an older version, is refused like a forged one.
    if not isinstance(data, dict) or not is_id(data.get("m")) or type(data.get("v")) is not int:
        raise Unauthenticated("登录信息无效，请重新登录", rule="token_invalid")
    member = (load or _MEMBER_BY_ID.first)(data["m"])
    if member is None or member.token_version != data["v"] or member.erased_at is not None:
        raise Unauthenticated("登录信息已失效，请重新登录", rule="token_revoked")
    return member


def current_member() -> Member:
    return g.member


def view_method():
    """The function answering this request: its MethodView's method for the request's verb (HEAD: its `get`, as
    MethodView answers it), or the view itself (None when no route matched). What other extensions read a view's
    marks from."""
    view = current_app.view_functions.get(request.endpoint or "")
    view_class = getattr(view, "view_class", None)
    if view_class is None:
        return view
    method = getattr(view_class, request.method.lower(), None)
    return getattr(view_class, "get", None) if method is None and request.method == "HEAD" else method


def token_member_id() -> int | None:
    """The member id a validly signed bearer token names, without the database (rate limits count per
    member before the gate runs); None for no token or a bad one (those are counted by address)."""
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    try:
        member_id = _token_data(header[len("Bearer "):].strip()).get("m")
    except Exception:  # noqa: BLE001 - expired, forged or odd: the gate answers 401 for it
        return None
    return member_id if isinstance(member_id, int) and not isinstance(member_id, bool) else None


def _authenticate(load=None) -> Member:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        raise Unauthenticated()
    return member_from_token(header[len("Bearer "):].strip(), load)


def has_any_role(member: Member, allowed: tuple[str, ...]) -> bool:
    roles = member.role_set
    if ADMIN in roles or MEMBER in allowed:
        return True
    for role in allowed:
        # Residence is a fact (belonging to a household), not a grant.
        if role == RESIDENT:
            if member.household_id is not None:
                return True
        elif role in roles:
            return True
    return False


def _check_scopes(member: Member, loaded: dict | None = None) -> None:
    """404 unless every object the path names is of the member's community (or shared with it). `loaded`: for a
    param the gate read with the member, a function answering what its loader would."""
    g.scoped_objects = {}
    for param, value in (request.view_args or {}).items():
        load = _SCOPES.get(param)
        if load is None:
            continue
        community_id, row = loaded[param]() if loaded and param in loaded else load(value)
        if community_id is None:
            raise NotFound()
        g.scoped_objects[param] = row
        if community_id == "global" or member.has_role(ADMIN):
            continue
        if isinstance(community_id, tuple):
            if member.community_id not in community_id:
                raise NotFound()
        elif community_id != member.community_id:
            shared = _SHARED.get(param)
            if shared is None or row is None or member.community_id not in shared(row):
                raise NotFound()


def admit(member: Member, allowed: tuple[str, ...]) -> None:
    """The gate for a caller found another way (the web console's session cookie): the same role check and
    the same object scopes as `roles`, then `current_member()` answers them."""
    if not has_any_role(member, allowed):
        raise Forbidden(rule="role_required")
    _check_scopes(member)
    g.member = member


def _document(wrapper, allowed: tuple[str, ...]) -> None:
    doc = deepcopy(getattr(wrapper, "_apidoc", {}))
    manual = doc.setdefault("manual_doc", {})
    who = ", ".join(ROLE_DOC[r] for r in allowed)
    if PUBLIC not in allowed:
        manual["security"] = [{"bearerAuth": []}]
    description = (wrapper.__doc__ or "").strip().split("\n", 1)
    body = description[1].strip() if len(description) > 1 else ""
    manual["description"] = (body + "\n\n" if body else "") + f"**Who may call:** {who}."
    wrapper._apidoc = doc


def roles(*allowed: str, member=None):
    """Only logged-in members holding one of `allowed` roles (admins always) get through.

    `member`, a service function of a member id, reads the logged-in member in place of the gate's own
    lookup, for a hot view that reads more about them anyway: `/me` reads the member and what surrounds them
    in one statement (on PostgreSQL every statement is a round trip). It answers the Member row, or None
    when there is none, and the gate checks it as always (token version, erasure, roles, scopes)."""
    for role in allowed:
        assert role in ROLE_DOC and role != PUBLIC, role

    def decorator(func):
        @wraps(func)
        def wrapper(*args, **kwargs):
            loaded = {}
            caller = _authenticate(member or _with_scoped_object(loaded))
            if not has_any_role(caller, allowed):
                raise Forbidden(rule="role_required")
            _check_scopes(caller, loaded)
            g.member = caller
            return func(*args, **kwargs)

        wrapper.lb_access = allowed
        _document(wrapper, allowed)
        return wrapper

    return decorator


def _with_scoped_object(loaded: dict):
    """The gate's member lookup, reading with the member the first object the path names whose row the gate
    loads whole (into `loaded`, by param), or None when the path names none."""
    for param, value in (request.view_args or {}).items():
        both = _WITH_MEMBER.get(param)
        if both is not None:
            def load(member_id, param=param, value=value, both=both):
                member, loaded[param] = both(member_id, value)
                return member

            return load
    return None


def public(func):
    """Anyone may call: no token needed (health, login, catalog, certificate check)."""

    @wraps(func)
    def wrapper(*args, **kwargs):
        g.member = None
        return func(*args, **kwargs)

    wrapper.lb_access = (PUBLIC,)
    _document(wrapper, (PUBLIC,))
    return wrapper
