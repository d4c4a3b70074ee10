"""Love Bank's one settings module: defaults, overridden by environment variables.

Every setting is declared once in SETTINGS with its default, its parser and a line
for the README's configuration table (a test keeps the two in step). The API, the
workers, the scheduler and the tests all call `load()`.
"""

import datetime as dt
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
DEFAULT_SECRET = "dev-insecure-secret-change-me"
# Tokens are HMAC-signed with SECRET_KEY, and one token is enough to test guesses offline:
# a short key can be found by brute force, after which anyone can sign in as anyone.
MIN_SECRET_LENGTH = 32


def _bool(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "yes", "on")


def _mapping(value: str) -> dict[str, str]:
    """`a=x,b=y` → {"a": "x", "b": "y"}."""
    pairs = [part.split("=", 1) for part in value.split(",") if part.strip()]
    if any(len(pair) != 2 for pair in pairs):
        raise ValueError(f"expected key=value pairs separated by commas, got {value!r}")
    return {key.strip(): val.strip() for key, val in pairs}


def _levels(value: str) -> tuple[float, ...]:
    """Five ascending hour thresholds, `10,25,50,100,200` → 1★ … 5★."""
    levels = tuple(float(part) for part in value.split(",") if part.strip())
    if len(levels) != 5 or any(h <= 0 for h in levels) or list(levels) != sorted(set(levels)):
        raise ValueError(f"expected five ascending positive hour thresholds, got {value!r}")
    return levels


def _choice(*choices: str):
    def parse(value: str) -> str:
        value = value.strip().lower()
        if value not in choices:
            raise ValueError(f"expected one of {', '.join(choices)}, got {value!r}")
        return value

    return parse


MATCH_WEIGHTS = {"fit": 3, "availability": 2, "proximity": 2, "fairness": 1.5, "reliability": 1.5, "stars": 1}


def _weights(value: str) -> dict[str, float]:
    """`fit=3,stars=0.5` → the default weights with those replaced; an unknown name is refused."""
    weights = dict(MATCH_WEIGHTS)
    for name, number in _mapping(value).items():
        if name not in MATCH_WEIGHTS:
            raise ValueError(f"MATCH_WEIGHTS knows {', '.join(MATCH_WEIGHTS)}; got {name!r}")
        weights[name] = float(number)
    return weights


def _quiet_hours(value: str) -> str:
    """`22:00-08:00`, or `off`/empty for none."""
    value = value.strip()
    if value.lower() in ("", "off", "none"):
        return ""
    if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d", value):
        raise ValueError(f"QUIET_HOURS must look like 22:00-08:00, got {value!r}")
    return value


def _age_bands(value: str) -> list[int]:
    """`30,45,60,70` → the ages at which each band after the first begins (under 30, 30–44, … 70 and over)."""
    bounds = [int(part) for part in value.split(",") if part.strip()]
    if not bounds or any(b <= 0 for b in bounds) or bounds != sorted(set(bounds)):
        raise ValueError(f"expected ascending positive ages separated by commas, got {value!r}")
    return bounds


def _rate(value: str) -> str:
    """A rate limit in Flask-Limiter's notation, `20/minute;200/hour`; `off` or empty for none."""
    value = value.strip()
    if value.lower() in ("", "off", "none"):
        return ""
    from limits import parse_many

    try:
        parse_many(value)
    except ValueError:
        raise ValueError(f"expected a rate limit like 20/minute;200/hour, got {value!r}") from None
    return value


@dataclass(frozen=True)
class Setting:
    default: Any
    parse: Callable[[str], Any]
    doc: str


SETTINGS: dict[str, Setting] = {
    # --- running ---
    "ENV": Setting("development", str, "`development`, `test` or `production`. Production refuses to start with the default `SECRET_KEY` or one shorter than 32 characters."),
    "SECRET_KEY": Setting(DEFAULT_SECRET, str, "Signs login tokens and QR tokens. Must be set in production, at least 32 characters (e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`)."),
    "DATABASE_URL": Setting(f"sqlite:///{VAR / 'lovebank.db'}", str, "peewee database URL: `sqlite:///path` (WAL, foreign keys) or `postgresql://user@host/db`, pooled in each process (a connection per thread in use; `?max_connections=N&timeout=S` caps them, `stale_timeout=S` renews them; `postgresql+pool://` is the same)."),
    "PG_PREPARED_STATEMENTS": Setting(True, _bool, "PostgreSQL: the hot queries are prepared once per connection (`PREPARE`, then `EXECUTE`), which saves the server parsing and planning them on every request. Turn off behind PgBouncer in transaction mode, where a prepared statement does not survive from one transaction to the next (docs/scaling.md)."),
    "REDIS_URL": Setting("", str, "Redis for RQ and caches. Empty: 127.0.0.1:6379 if it answers, otherwise `make run` starts an embedded Redis under `var/`."),
    "PORT": Setting(8000, int, "Port of the API in `make run`."),
    "TIMEZONE": Setting("Asia/Shanghai", str, "The community's time zone: days, months, quiet hours and caps are counted in it."),
    "TOKEN_TTL_SECONDS": Setting(7 * 24 * 3600, int, "Lifetime of a login token."),
    "DEV_LOGIN": Setting(False, _bool, "Enables `POST /api/v1/auth/dev-login` with demo handles. On in `make run`, off otherwise; refused in production."),
    # --- the station's web console (/console/, docs/console.md) ---
    "CONSOLE_LOGIN_MINUTES": Setting(3, int, "How long the console's login QR code can be approved from the mini-program (扫码登录); then the page shows a new one."),
    "CONSOLE_IDLE_MINUTES": Setting(30, int, "A console session left idle this long ends: the next page asks to scan again."),
    "CONSOLE_COOKIE_SECURE": Setting(False, _bool, "Send the console's session cookie only over HTTPS (`Secure`). Turn on wherever the console is served over HTTPS."),
    "QR_TOKEN_TTL_SECONDS": Setting(300, int, "Lifetime of a QR token (witness confirmation, check-in)."),
    # --- rate limits (server/extensions/limits.py), counted in Redis; `off` disables one ---
    "RATE_LIMITS": Setting(True, _bool, "Rate limits on (counted in Redis, `REDIS_URL`). A request over one gets 429 with `Retry-After`. With Redis down, login, certificate, statement and code limits go on counting in each API process's memory; the write limit lets everything through."),
    "RATE_LIMIT_LOGIN_PER_IP": Setting("20/minute;200/hour", _rate, "Logins (`POST /auth/wechat`, dev-login) per client address."),
    "RATE_LIMIT_CERTIFICATE_PER_IP": Setting("30/minute;300/hour", _rate, "Certificate checks (`GET /certificates/{serial}/verify`) per client address."),
    "RATE_LIMIT_CERTIFICATE_PER_MEMBER": Setting("20/minute;100/hour", _rate, "Certificate checks per logged-in member."),
    "RATE_LIMIT_STATEMENT_PER_IP": Setting("30/minute;300/hour", _rate, "Signed-statement checks (`POST /statements/verify`) per client address."),
    "RATE_LIMIT_CODE_PER_IP": Setting("60/minute;600/hour", _rate, "QR and code confirmations (witness QR, task and activity check-in, joining a household, naming a relative by invite code) per client address (a service station's Wi-Fi is shared)."),
    "RATE_LIMIT_CODE_PER_MEMBER": Setting("10/minute;60/hour", _rate, "QR and code confirmations per member."),
    "RATE_LIMIT_WRITE_PER_MEMBER": Setting("120/minute;2000/hour", _rate, "Every POST, PATCH, PUT and DELETE per member (per client address when not logged in)."),
    "FORWARDED_HOPS": Setting(0, int, "Reverse proxies in front of the API that append the client to `X-Forwarded-For`; per-address limits count the address they report. 0: the connection's own address."),
    "MAX_BODY_BYTES": Setting(2**20, int, "Largest request body the API reads (JSON): a larger one is answered 413 before it is read, on every route, logged in or not. Uploads, when they come, get their own limit."),
    # --- WeChat ---
    "WECHAT_APPID": Setting("", str, "Mini-program AppID. Empty: WeChat login and subscribe messages are off."),
    "WECHAT_SECRET": Setting("", str, "Mini-program AppSecret."),
    "WECHAT_API_BASE": Setting("https://api.weixin.qq.com/", str, "Base URL of WeChat's server API (tests point it at a local stand-in)."),
    "WECHAT_TIMEOUT_SECONDS": Setting(5, int, "Timeout of one call to WeChat."),
    # --- hours rules (each from Chinese time-bank practice: docs/decisions.md) ---
    "ROUNDING_STEP_MINUTES": Setting(30, int, "Service time (travel excluded) is rounded down to this step."),
    "DAILY_CAP_MINUTES": Setting(8 * 60, int, "Most service minutes one member may be credited for one day; more is refused."),
    "HOUSEHOLD_CAP_MINUTES": Setting(1500 * 60, int, "A household's storage cap; credit above it goes to the community's love pool (爱心池)."),
    "GIFT_YEARLY_CAP_MINUTES": Setting(100 * 60, int, "Most minutes a household may gift to relatives' households (亲情转赠) in a calendar year."),
    "NETWORK_LIMIT_MINUTES": Setting(100 * 60, int, "A community's limit in an exchange network (通存通兑) when the admin names none: the most minutes it may owe the network, or be owed."),
    "DONATION_YEARLY_CAP_MINUTES": Setting(200 * 60, int, "Most minutes a household may donate to the love pool in a calendar year."),
    "PAYBACK_AGE": Setting(60, int, "Age from which any member of a household may open payback requests (优先回馈) on its hours; younger members need to be a volunteer retired for age or illness, or a hardship case (兜底对象)."),
    "PAYBACK_PROMISE_HOURS": Setting(48, int, "Every payback request promises that a volunteer or a provider is assigned within this many hours of opening it, or by the start of its time window if that is sooner (`promise_due_at`)."),
    "PAYBACK_PREFERRED_HOURS": Setting(4, int, "A payback request that names a preferred volunteer (指定服务人) asks only them for this many hours (never past the promise); the board hides it from others meanwhile, then matching goes on as usual."),
    "PAYBACK_AT_RISK_HOURS": Setting(12, int, "A payback request with nobody assigned this many hours before its promise is at risk: the community's coordinators get one urgent alert (ignores quiet hours) and the desk lists it."),
    "CHECKIN_PAIRS_PER_DAY": Setting(3, int, "Most check-in/check-out pairs per volunteer, task and day."),
    "CHECKIN_EARLY_MINUTES": Setting(60, int, "How long before a task's time window, or a monthly event's start, a volunteer may check in (an event's check-in closes at its planned end)."),
    "AGREEMENT_HORIZON_DAYS": Setting(14, int, "How many days ahead agreement visits are put on the board."),
    "SELF_REPORT_BACKDATE_DAYS": Setting(7, int, "A self-reported service older than this needs a coordinator's approval (补录)."),
    "CORRECTION_APPROVAL_MINUTES": Setting(60, int, "A correction of a credited record's times that changes its credited minutes by more than this waits for a second coordinator (or the admin) to approve; up to it, it posts at once (docs/station.md)."),
    "CODE_CARD_SIZE": Setting(20, int, "How many numbered one-time codes a witness code card (见证码卡) holds."),
    "IMPORT_MAX_ROWS": Setting(10_000, int, "Most data rows one import (`POST /imports`: volunteers, households, opening balances, service records from XLSX or CSV) may hold; a longer file is refused (422): split it."),
    "IMPORT_BACKGROUND_ROWS": Setting(1_000, int, "An import of more data rows than this commits in a worker: `POST /imports/{id}/commit` checks every row, answers at once with the import `committing`, and the station sees it `committed` (or why not) a moment later. Smaller imports commit inside the request."),
    "IMPORT_MAX_BYTES": Setting(8 * 2**20, int, "Largest file an import upload may be (its request body); a larger one is answered 413 before it is read. Only `POST /imports` takes more than MAX_BODY_BYTES."),
    "CODE_MAX_WRONG_ATTEMPTS": Setting(5, int, "Wrong witness codes entered for one record before it is locked: the station then confirms it."),
    "EARLIEST_SERVICE_DATE": Setting(dt.date(2020, 1, 1), dt.date.fromisoformat, "No service, agreement or consent is dated before this day (`YYYY-MM-DD`); older service comes over as a paper passbook's balance (纸质存折转入). Set it to the day your Love Bank began."),
    "PLAN_AHEAD_DAYS": Setting(366, int, "How far ahead a booking, an event or an agreement's start may be dated."),
    "WECHAT_TEMPLATE_IDS": Setting({}, _mapping, "Subscribe-message template ids chosen in the mini-program's admin, by our template key: `task_offer=ID,hours_credited=ID,...` (keys in `config/notification_templates.py`). A key without an id sends in-app only."),
    "WECHAT_MINIPROGRAM_STATE": Setting("formal", str, "Which mini-program build a subscribe message opens: `formal`, `trial` or `developer`."),
    # --- background jobs (RQ): how long Redis keeps an outbox job (bench/jobs.py measures the memory) ---
    "JOB_QUEUED_TTL_SECONDS": Setting(24 * 3600, int, "How long an outbox job may wait on its queue (no worker taking it) before Redis drops it; its row stays due and the sweeper enqueues it again."),
    "JOB_RESULT_TTL_SECONDS": Setting(600, int, "How long Redis keeps a finished outbox job and its result (for `rq info` and dashboards: the outbox row records what was done). Redis holds every job finished in this time, about 5 MB per 1,000 (`python -m bench.jobs`)."),
    "JOB_FAILURE_TTL_SECONDS": Setting(7 * 24 * 3600, int, "How long Redis keeps an outbox job that failed after its retries, to be looked at (the outbox row keeps its error anyway)."),
    # --- notifications ---
    "QUIET_HOURS": Setting("22:00-08:00", _quiet_hours, "Local hours in which non-urgent WeChat messages and texts (SMS) wait (the in-app inbox gets them at once); `off` for none."),
    # --- SMS (短信) for members with a phone but no WeChat: Tencent Cloud SMS (docs/station.md, "SMS") ---
    "SMS_ENABLED": Setting(False, _bool, "Texts to members who consented to SMS (短信提醒) and have no WeChat copy of a notification. Off: consent is still recorded, nothing is sent."),
    "SMS_SECRET_ID": Setting("", str, "Tencent Cloud API SecretId for SMS (a sub-account's, allowed SendSms and PullSmsSendStatus only). Never commit it."),
    "SMS_SECRET_KEY": Setting("", str, "Tencent Cloud API SecretKey for SMS. Never commit it."),
    "SMS_APP_ID": Setting("", str, "The SMS application's SdkAppId (短信应用 ID) in Tencent Cloud's SMS console."),
    "SMS_SIGN_NAME": Setting("", str, "The approved SMS signature (短信签名), e.g. the community's or street's name; shown as 【…】 before every text."),
    "SMS_ENDPOINT": Setting("https://sms.tencentcloudapi.com", str, "Base URL of Tencent Cloud's SMS API (tests point it at a local stand-in, `http://127.0.0.1:PORT`)."),
    "SMS_REGION": Setting("ap-guangzhou", str, "Tencent Cloud region for SMS calls."),
    "SMS_TIMEOUT_SECONDS": Setting(5, int, "Timeout of one call to the SMS API."),
    "SMS_TEMPLATE_IDS": Setting({}, _mapping, "Approved SMS template ids by our template key: `hours_credited=ID,witness_request=ID,...` (keys and their numbered values in `config/notification_templates.py`). A key without an id sends no SMS."),
    "SMS_DAILY_CAP": Setting(5, int, "Most texts one member gets in one local day; more are recorded `skipped` (daily_cap), the in-app inbox keeps them. Urgent ones count too."),
    # --- coordinator operations: stars, notices, certificates ---
    "STAR_THRESHOLD_HOURS": Setting((10.0, 25.0, 50.0, 100.0, 200.0), _levels, "Personal hours in a year for 1★ … 5★ (星级志愿者), five ascending numbers."),
    "STAR_PERIOD": Setting("calendar", _choice("calendar", "rolling"), "The year of hours that stars count: `calendar` (1 January – 31 December) or `rolling` (the 12 months up to the day)."),
    "NATIONAL_STAR_THRESHOLD_HOURS": Setting((100.0, 300.0, 600.0, 1000.0, 1500.0), _levels, "Cumulative hours for the national volunteer-record star levels 1★ … 5★, shown beside the community's yearly stars."),
    "NOTICE_OBJECTION_DAYS": Setting(7, int, "Days a public notice (公告) stays open for residents' objections to proposed star awards; awards are approved only after."),
    "PUBLIC_BASE_URL": Setting("http://127.0.0.1:8000", str, "Public address of the API, for the verification link and QR code printed on certificates."),
    "CERTIFICATE_ISSUER": Setting("{community}联合党委", str, "The issuing organisation printed on certificates; `{community}` is the community's name."),
    "TRUSTED_STATEMENT_KEYS_FILE": Setting("", str, "JSON file of other Love Bank deployments' public statement keys (the shape of `GET /api/v1/keys`) that `lovebank import-statement` trusts. Empty: no statement can be imported."),
    # --- coordinator operations: the quarterly audit ---
    "AUDIT_SAMPLE_SIZE": Setting(10, int, "Credited service records drawn each quarter for visits or calls to the recipients (抽样走访)."),
    "AUDIT_FLAG_WEIGHT": Setting(4, int, "How much likelier a flagged record is to be drawn: its weight is 1 + this × its flags."),
    "AUDIT_PAIR_MIN_RECORDS": Setting(5, int, "Records in a quarter between the same volunteer and recipient/witness (either way) that flag the pair."),
    "AUDIT_MAX_DURATION_MINUTES": Setting(240, int, "A single service longer than this is flagged."),
    "AUDIT_WITNESS_SHARE_PERCENT": Setting(30, int, "A witness who confirmed more than this share of the quarter's records is flagged …"),
    "AUDIT_WITNESS_MIN_RECORDS": Setting(5, int, "… once they confirmed at least this many."),
    "AUDIT_QUICK_CONFIRM_MINUTES": Setting(5, int, "Flag a record confirmed within this many minutes of its start (check-in), or tapped in the app this soon after it was reported."),
    # --- coordinator operations: reports ---
    "CHART_FONT": Setting("", str, "A font file with Chinese glyphs for report charts (PNG). Empty: Noto Sans CJK SC, shipped by the mplfonts package (installed with the rest)."),
    # --- matching and escalation (README: Matching) ---
    "MATCH_WEIGHTS": Setting(MATCH_WEIGHTS, _weights, "Weights of the matching score's components (each scored 0–1): `fit=3,availability=2,...`; names not given keep their default."),
    "MATCH_TOP_K": Setting(5, int, "How many volunteers each matching round asks about an ordinary task."),
    "MATCH_TOP_K_PAYBACK": Setting(10, int, "How many volunteers each matching round asks about a payback (优先回馈) task."),
    "MATCH_SHORTLIST": Setting(300, int, "How many volunteers of each part matching reads (the task's building, its area, the rest; free in its window first) the SQL pre-ranking hands to the full score at most; a part too near-tied to prove its top K the same as a full scan's is read again four times longer."),
    "ESCALATE_AFTER_MINUTES": Setting(120, int, "An ordinary task still unclaimed this long after it opened: the next volunteers are asked (round 2)."),
    "ALERT_AFTER_MINUTES": Setting(480, int, "An ordinary task still unclaimed this long after it opened: its community's coordinators are alerted."),
    "ESCALATE_AFTER_MINUTES_PAYBACK": Setting(30, int, "`ESCALATE_AFTER_MINUTES` for payback tasks."),
    "ALERT_AFTER_MINUTES_PAYBACK": Setting(120, int, "`ALERT_AFTER_MINUTES` for payback tasks (the alert is urgent: it ignores quiet hours)."),
    # --- the outlook (兑付能力预警, docs/redemption.md) ---
    "OUTLOOK_REDEMPTION_RATE": Setting(0.2, float, "The share of its banked hours a household with a member of payback age is expected to redeem each year, in the ten-year outlook (0.2: a fifth)."),
    "OUTLOOK_VOLUNTEER_LEAVING_AGE": Setting(75, int, "In the outlook, a volunteer stops serving in the year they reach this age."),
    "OUTLOOK_WARN_COVERAGE": Setting(1.0, float, "The outlook warns (red) when projected supply ÷ demand falls below this within five years (1.0: supply short of demand)."),
    "OUTLOOK_AGE_BANDS": Setting([30, 45, 60, 70], _age_bands, "The ages at which the outlook's volunteer age bands begin after the first: `30,45,60,70` → under 30, 30–44, 45–59, 60–69, 70 and over."),
}


def load(overrides: dict | None = None, environ: os._Environ | dict | None = None) -> dict:
    """Settings as a dict: defaults, then environment variables, then `overrides`.

    Raises RuntimeError when production would run with the default secret, a secret shorter
    than MIN_SECRET_LENGTH or with the development login on: each would let anyone in.
    """
    environ = os.environ if environ is None else environ
    values = {}
    for name, setting in SETTINGS.items():
        raw = environ.get(name)
        values[name] = setting.parse(raw) if raw not in (None, "") else setting.default
    values.update(overrides or {})
    if values["ENV"] == "production":
        if values["SECRET_KEY"] == DEFAULT_SECRET:
            raise RuntimeError("SECRET_KEY is the development default; set a secret before running in production")
        if len(values["SECRET_KEY"].strip()) < MIN_SECRET_LENGTH:
            raise RuntimeError(f"SECRET_KEY must be at least {MIN_SECRET_LENGTH} characters in production "
                               "(a short key can be guessed from one token)")
        if values["DEV_LOGIN"]:
            raise RuntimeError("DEV_LOGIN must be off in production")
    return values


def markdown_table() -> str:
    """The README's configuration table (`python -m config.settings`)."""
    rows = ["| Setting | Default | Meaning |", "|---|---|---|"]
    for name, setting in SETTINGS.items():
        default = setting.default
        if isinstance(default, tuple) and all(isinstance(v, float) for v in default):
            default = ",".join(f"{v:g}" for v in default)
        if isinstance(default, list):
            default = ",".join(map(str, default))
        if isinstance(default, dict):
            default = ",".join(f"{k}={v}" for k, v in default.items())
        if name == "DATABASE_URL":
            default = "sqlite:///var/lovebank.db"
        shown = f"`{default}`" if default not in ("", None) else "(empty)"
        rows.append(f"| `{name}` | {shown} | {setting.doc} |")
    return "\n".join(rows)


def rewrite_readme() -> None:
    """Put the current table between the README's settings-table markers."""
    import re

    readme = ROOT / "README.md"
    text = readme.read_text(encoding="utf-8")
    text = re.sub(r"(<!-- settings-table:start[^>]*-->\n).*?(<!-- settings-table:end -->)",
                  lambda m: m.group(1) + markdown_table() + "\n" + m.group(2), text, flags=re.S)
    readme.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    import sys

    if "--readme" in sys.argv:
        rewrite_readme()
    else:
        print(markdown_table())
