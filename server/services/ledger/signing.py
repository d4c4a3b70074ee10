"""Signed statements (存折签名): each community's Ed25519 keys, the canonical form a monthly statement is
signed over, its compact form for a QR code, and verification that needs nothing but the public key.

docs/ledger.md ("Signed statements") gives the formats exactly, so anyone can check a statement by hand.
The private half of a key is stored encrypted (Fernet keyed by an HKDF of SECRET_KEY, see
docs/decisions.md) and never leaves this module: no answer, log or error carries it. A key signs from
`valid_from` until it is retired (rotation); a retired key stays published, so what it signed stays
verifiable.
"""

import base64
import binascii
import datetime as dt
import hashlib
import json
from types import SimpleNamespace

from cryptography.exceptions import InvalidSignature
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from server import clock, runtime
from server.db import database
from server.errors import NotFound, RuleBroken
from server.models import Community, Household, LedgerChain, SigningKey, Statement
from server.services.ledger import core as ledger

ALGORITHM = "Ed25519"
VERSION = 1
COMPACT_PREFIX = "LB1"
# The canonical form holds exactly these keys (and `v`, the format's version).
FIELDS = ("v", "community", "community_name", "household", "period", "opening", "in", "out", "closing",
          "chain_seq", "chain_head", "signed_at")
_NUMBERS = ("household", "opening", "in", "out", "closing", "chain_seq")
_TEXTS = ("community", "community_name", "period", "chain_head", "signed_at")
SIGNED_LABEL, UNSIGNED_LABEL = "已签名", "未签名"

# What a refusal says: a code a program can test, and a sentence for the person holding the paper.
REASONS = {
    "malformed": "存折数据不完整或格式不对",
    "unknown_key": "签名密钥不认识（不是本系统或受信任机构的密钥）",
    "wrong_community": "签名密钥不属于这个社区",
    "bad_signature": "签名对不上：存折内容被改动过，或不是用这把密钥签的",
    "outside_validity": "签名时间不在这把密钥的有效期内",
    "sums_differ": "月初、存入、支出和月末的数字对不上",
}


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


# --- keys ------------------------------------------------------------------------------


def _fernet() -> Fernet:
    """The key that encrypts private keys at rest: HKDF-SHA256 of SECRET_KEY, for this purpose only."""
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"lovebank", info=b"statement-signing-keys v1").derive(
        runtime.setting("SECRET_KEY").encode("utf-8"))
    return Fernet(base64.urlsafe_b64encode(derived))


def fingerprint(public_key: str) -> str:
    return hashlib.sha256(unb64url(public_key)).hexdigest()[:8]


def _create_key(community: Community, at: dt.datetime) -> SigningKey:
    private = Ed25519PrivateKey.generate()
    public = b64url(private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw))
    raw = private.private_bytes(serialization.Encoding.Raw, serialization.PrivateFormat.Raw,
                                serialization.NoEncryption())
    return SigningKey.create(
        community=community.id, key_id=f"{community.code}-{at:%Y%m%d}-{fingerprint(public)}", public_key=public,
        private_key=_fernet().encrypt(raw).decode("ascii"), valid_from=at,
    )


def _current(community_id: int) -> SigningKey | None:
    return SigningKey.get_or_none(SigningKey.community == community_id, SigningKey.retired_at.is_null())


def _private(key: SigningKey) -> Ed25519PrivateKey | None:
    """None when the stored private half no longer decrypts (SECRET_KEY was changed)."""
    try:
        return Ed25519PrivateKey.from_private_bytes(_fernet().decrypt(key.private_key.encode("ascii")))
    except InvalidToken:
        return None


def _retire(community_id: int, at: dt.datetime) -> None:
    SigningKey.update(retired_at=at).where(SigningKey.community == community_id,
                                           SigningKey.retired_at.is_null()).execute()


def _second(moment: dt.datetime) -> dt.datetime:
    """Validity and signing times are compared to the second (the canonical form carries seconds)."""
    return moment.replace(microsecond=0)


def signing_key(community_id: int, at: dt.datetime | None = None) -> tuple[SigningKey, Ed25519PrivateKey]:
    """The community's current key, made on first use. Call inside a transaction that holds the community
    (`ledger.hold_community`), so two closes never make two keys. A key whose private half no longer
    decrypts (SECRET_KEY changed) is retired and replaced: it stays published for what it signed.
    `at`: when a new key's validity starts (the statement's close)."""
    key = _current(community_id)
    private = _private(key) if key is not None else None
    if private is None:
        now = _second(at or clock.now())
        if key is not None:
            _retire(community_id, now)
        key = _create_key(Community.get_by_id(community_id), now)
        private = _private(key)
    return key, private


def rotate(community_id: int) -> SigningKey:
    """Retire the community's current key and make a new one (`lovebank rotate-key`)."""
    community = Community.get_or_none(Community.id == community_id)
    if community is None:
        raise NotFound("没有这个社区", field="community")
    with database.atomic():
        ledger.hold_community(community_id)  # no statement is signed meanwhile
        now = _second(clock.now())
        _retire(community_id, now)
        return _create_key(community, now)


def _key_view(key: SigningKey, community: Community) -> dict:
    return {
        "key_id": key.key_id, "algorithm": ALGORITHM, "public_key": key.public_key, "community": community.code,
        "community_name": community.name, "valid_from": clock.aware(key.valid_from).isoformat(),
        "valid_until": clock.aware(key.retired_at).isoformat() if key.retired_at else None,
    }


def published_keys() -> dict:
    """Every community's public keys, retired ones too, with their validity: `{keys: [...]}`."""
    rows = (SigningKey.select(SigningKey, Community).join(Community)
            .order_by(Community.code, SigningKey.valid_from, SigningKey.id))
    return {"keys": [_key_view(key, key.community) for key in rows]}


# --- the canonical and compact forms ----------------------------------------------------


def canonical(fields: dict) -> bytes:
    """Sorted keys, no spaces, UTF-8 (not \\u escapes): the bytes that are signed and hashed."""
    return json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def digest(fields: dict) -> str:
    """SHA-256 of the canonical form: one statement's identity wherever it travels."""
    return hashlib.sha256(canonical(fields)).hexdigest()


def _fields(statement: Statement, household: Household, community: Community) -> dict:
    return {
        "v": VERSION, "community": community.code, "community_name": community.name, "household": household.id,
        "period": f"{statement.year:04d}-{statement.month:02d}", "opening": statement.opening_minutes,
        "in": statement.minutes_in, "out": statement.minutes_out, "closing": statement.closing_minutes,
        "chain_seq": statement.chain_seq, "chain_head": statement.chain_hash,
        "signed_at": clock.aware(statement.closed_at).isoformat(timespec="seconds"),
    }


def sign(statement: Statement) -> Statement:
    """Sign a statement just closed, inside the close's transaction (the community's chain is held):
    the chain head now, then the signature over the canonical form. Signs once."""
    if statement.signature:
        return statement
    household = Household.get_by_id(statement.household_id)
    chain = LedgerChain.get_or_none(LedgerChain.community == household.community_id)
    key, private = signing_key(household.community_id, at=statement.closed_at)
    sign_with(statement, household, household.community, chain, key, private)
    Statement.update(chain_seq=statement.chain_seq, chain_hash=statement.chain_hash, signed_form=statement.signed_form,
                     key_id=statement.key_id, signature=statement.signature).where(
        Statement.id == statement.id, Statement.signature == "").execute()
    return statement


def sign_with(statement, household, community: Community, chain: LedgerChain | None, key: SigningKey,
              private: Ed25519PrivateKey):
    """Fill in a statement's signature (not stored yet) over the chain head given: for a close that signs a
    community's households together, holding its chain, with its key looked up once. `statement` needs the
    figures `_fields` reads, `household` its id: a Statement and a Household, or as plain."""
    statement.chain_seq = chain.last_seq if chain else 0
    statement.chain_hash = chain.last_hash if chain else ledger.GENESIS_HASH
    data = canonical(_fields(statement, household, community))
    statement.signed_form = data.decode("utf-8")
    statement.key_id, statement.signature = key.key_id, b64url(private.sign(data))
    return statement


class CloseSigner:
    """Signs the statements of one community's close, all over the chain head held and with the key looked
    up once: what `sign_with` does for each, with what is the same for all of them (the community, the
    period, the chain head, `signed_at`) put in the canonical fields once. The fields are `_fields`'s and
    the bytes `canonical`'s, so the signed form is exactly `sign_with`'s (tests/services/test_signing.py)."""

    def __init__(self, community: Community, chain: LedgerChain | None, key: SigningKey,
                 private: Ed25519PrivateKey, year: int, month: int, closed_at: dt.datetime):
        self.chain_seq = chain.last_seq if chain else 0
        self.chain_hash = chain.last_hash if chain else ledger.GENESIS_HASH
        self.key_id = key.key_id
        self._sign = private.sign
        common = SimpleNamespace(year=year, month=month, opening_minutes=0, minutes_in=0, minutes_out=0,
                                 closing_minutes=0, chain_seq=self.chain_seq, chain_hash=self.chain_hash,
                                 closed_at=closed_at)
        self._common = _fields(common, SimpleNamespace(id=0), community)

    def sign(self, household_id: int, opening: int, minutes_in: int, minutes_out: int,
             closing: int) -> tuple[str, str]:
        """(signed form, signature) of one household's figures."""
        fields = self._common.copy()
        fields.update(household=household_id, opening=opening, out=minutes_out, closing=closing)
        fields["in"] = minutes_in
        data = canonical(fields)
        return data.decode("utf-8"), b64url(self._sign(data))


def signed(statement: Statement) -> dict | None:
    """The signed statement: the canonical fields as signed (a community renamed since keeps its old name
    here), `key_id` and `signature`. None: closed before statements were signed."""
    if not statement.signature:
        return None
    return {**json.loads(statement.signed_form), "key_id": statement.key_id, "signature": statement.signature}


def compact(document: dict) -> str:
    """`LB1.<base64url canonical JSON>.<key id>.<base64url signature>`: one line for a QR code."""
    fields = {name: document[name] for name in FIELDS}
    return ".".join((COMPACT_PREFIX, b64url(canonical(fields)), document["key_id"], document["signature"]))


def _malformed(detail: str) -> RuleBroken:
    return RuleBroken(f"{REASONS['malformed']}：{detail}", field="statement", rule="malformed")


def parse(document: dict | str) -> tuple[dict, str, str]:
    """A signed statement as JSON (dict) or its compact form → (canonical fields, key id, signature).
    Raises RuleBroken(rule="malformed") naming what is wrong."""
    if isinstance(document, str):
        parts = document.strip().split(".")
        if len(parts) < 4 or parts[0] != COMPACT_PREFIX:
            raise _malformed(f"紧凑格式应为 {COMPACT_PREFIX}.数据.密钥编号.签名")
        try:
            document = json.loads(unb64url(parts[1]).decode("utf-8"))
        except (ValueError, binascii.Error) as exc:
            raise _malformed("数据部分不是 base64url 编码的 JSON") from exc
        if not isinstance(document, dict):
            raise _malformed("数据部分不是 JSON 对象")
        document = {**document, "key_id": ".".join(parts[2:-1]), "signature": parts[-1]}
    if not isinstance(document, dict):
        raise _malformed("应为 JSON 对象或紧凑格式字符串")
    extra = set(document) - set(FIELDS) - {"key_id", "signature"}
    missing = [name for name in (*FIELDS, "key_id", "signature") if name not in document]
    if missing or extra:
        raise _malformed("缺少 " + ",".join(missing) if missing else "多出 " + ",".join(sorted(extra)))
    if document["v"] != VERSION:
        raise _malformed(f"不认识的版本 v={document['v']!r}")
    if any(not isinstance(document[name], int) or isinstance(document[name], bool) for name in _NUMBERS):
        raise _malformed("数字字段应为整数（分钟）")
    if any(not isinstance(document[name], str) for name in (*_TEXTS, "key_id", "signature")):
        raise _malformed("文字字段应为字符串")
    return {name: document[name] for name in FIELDS}, document["key_id"], document["signature"]


def _reason(code: str) -> dict:
    return {"code": code, "message": REASONS[code]}


def _when(text: str) -> dt.datetime | None:
    try:
        moment = dt.datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo else None


def check(document: dict | str, keys: list[dict]) -> dict:
    """`{valid, reasons, key_id, community, period, closing, digest}` against published-shape `keys`
    (`published_keys()["keys"]`, or a trusted list). Every reason found is listed."""
    try:
        fields, key_id, signature = parse(document)
    except RuleBroken as exc:
        return {"valid": False, "reasons": [{"code": "malformed", "message": exc.message}]}
    reasons = []
    if fields["opening"] + fields["in"] - fields["out"] != fields["closing"]:
        reasons.append(_reason("sums_differ"))
    key = next((k for k in keys if k.get("key_id") == key_id), None)
    if key is None:
        reasons.append(_reason("unknown_key"))
    else:
        if key.get("community") != fields["community"]:
            reasons.append(_reason("wrong_community"))
        try:
            public = Ed25519PublicKey.from_public_bytes(unb64url(key["public_key"]))
            public.verify(unb64url(signature), canonical(fields))
        except (InvalidSignature, ValueError, binascii.Error, KeyError, TypeError):
            reasons.append(_reason("bad_signature"))
        signed_at, start = _when(fields["signed_at"]), _when(key.get("valid_from"))
        end = _when(key["valid_until"]) if key.get("valid_until") else None
        if signed_at is None or start is None or signed_at < start or (end is not None and signed_at > end):
            reasons.append(_reason("outside_validity"))
    return {"valid": not reasons, "reasons": reasons, "key_id": key_id, "community": fields["community"],
            "community_name": fields["community_name"], "household": fields["household"], "period": fields["period"],
            "closing": fields["closing"],
            "digest": digest(fields)}


def verify(document: dict | str) -> dict:
    """Public: check a signed statement against this deployment's published keys."""
    return check(document, published_keys()["keys"])


def signature_state(statement: Statement) -> dict:
    """What the statement answer says about its signature (the words come from here)."""
    return {"signed": bool(statement.signature), "key_id": statement.key_id or None,
            "signature_label": SIGNED_LABEL if statement.signature else UNSIGNED_LABEL}
