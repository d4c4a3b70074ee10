"""What the quarterly audit flags, and how it draws its sample: pure functions over a quarter's records.

Flags say where a coordinator should look first; they accuse nobody. Each kind has
its threshold in config/settings.py (AUDIT_*), copied onto the audit when it runs:

* pair_repeat    the same volunteer and recipient-or-witness, either way round, on
                 AUDIT_PAIR_MIN_RECORDS or more records (crediting each other); visits
                 under a coordinator-signed agreement repeat a pair by design and are
                 left out;
* overlap        one volunteer's services overlapping in time;
* long_duration  one service longer than AUDIT_MAX_DURATION_MINUTES;
* witness_share  one member confirmed more than AUDIT_WITNESS_SHARE_PERCENT of the
                 quarter's confirmed records (and at least AUDIT_WITNESS_MIN_RECORDS);
* quick_confirm  confirmed within AUDIT_QUICK_CONFIRM_MINUTES of the service's start
                 (check-in), or tapped in the app that soon after it was reported
                 (a QR scan or a code read out from a code card is face to face, so it
                 is not counted then);
* ledger         a record whose credit the ledger verifier found wrong;
* paper_signature  entered at the station's counter with the witness's signature on
                 paper (柜台登记, confirmed via "paper"): nobody confirmed it in the app,
                 so the sample should reach it first.

The sample is weighted sampling without replacement (Efraimidis & Spirakis): walking
the records in id order, a generator seeded with the audit's seed gives each record a
key u^(1/w), weight w = 1 + AUDIT_FLAG_WEIGHT × its flags; the largest keys are drawn.
Same seed, same records, same weights → the same draw, on any machine.
"""

import random
from collections import defaultdict
from dataclasses import dataclass

from server.models import ServiceRecord

KIND_LABELS = {
    "pair_repeat": "同一对人反复互相记录",
    "overlap": "同一志愿者服务时间重叠",
    "long_duration": "单次服务时长过长",
    "witness_share": "同一见证人确认比例过高",
    "quick_confirm": "确认过快",
    "ledger": "账本检验发现问题",
    "paper_signature": "柜台登记，见证人纸质签字",
}
SETTINGS = ("AUDIT_PAIR_MIN_RECORDS", "AUDIT_MAX_DURATION_MINUTES", "AUDIT_WITNESS_SHARE_PERCENT",
            "AUDIT_WITNESS_MIN_RECORDS", "AUDIT_QUICK_CONFIRM_MINUTES", "AUDIT_FLAG_WEIGHT")


@dataclass(frozen=True)
class Flag:
    record_id: int
    kind: str
    detail: str


def find(records: list[ServiceRecord], limits: dict) -> list[Flag]:
    """Every flag over `records` (one quarter of one community, rejected ones left out)."""
    flags = []
    flags += _pairs(records, limits["AUDIT_PAIR_MIN_RECORDS"])
    flags += _overlaps(records)
    flags += _long(records, limits["AUDIT_MAX_DURATION_MINUTES"])
    flags += _witness_share(records, limits["AUDIT_WITNESS_SHARE_PERCENT"], limits["AUDIT_WITNESS_MIN_RECORDS"])
    flags += _quick(records, limits["AUDIT_QUICK_CONFIRM_MINUTES"])
    flags += _paper(records)
    return flags


def _paper(records):
    return [Flag(r.id, "paper_signature", "服务站柜台登记，见证人在纸质记录单上签字（原件留存服务站）")
            for r in records if r.confirmed_via == "paper"]


def _pairs(records, minimum):
    by_pair, directions = defaultdict(set), defaultdict(set)
    for record in records:
        if record.source == "agreement":
            continue
        for other in {record.recipient_id, record.witness_id} - {None, record.volunteer_id}:
            pair = frozenset((record.volunteer_id, other))
            by_pair[pair].add(record.id)
            directions[pair].add(record.volunteer_id)
    flags = []
    for pair, ids in by_pair.items():
        if len(ids) >= minimum:
            both = "，双方互为服务者和确认人" if len(directions[pair]) == 2 else ""
            flags += [Flag(rid, "pair_repeat", f"本季度同一对人之间有{len(ids)}条记录{both}") for rid in sorted(ids)]
    return flags


def _overlaps(records):
    flags, by_volunteer = [], defaultdict(list)
    for record in records:
        by_volunteer[record.volunteer_id].append(record)
    for own in by_volunteer.values():
        own.sort(key=lambda r: (r.started_at, r.id))
        for i, first in enumerate(own):
            for second in own[i + 1:]:
                if second.started_at >= first.ended_at:
                    break
                flags.append(Flag(first.id, "overlap", f"与记录#{second.id}的服务时间重叠"))
                flags.append(Flag(second.id, "overlap", f"与记录#{first.id}的服务时间重叠"))
    return flags


def _long(records, limit):
    return [Flag(r.id, "long_duration", f"单次服务{r.duration_minutes / 60:.1f}小时，超过{limit / 60:g}小时")
            for r in records if r.duration_minutes > limit]


def _witnessed(record) -> bool:
    return record.confirmed_at is not None and record.confirmed_via in ("tap", "qr", "code") and record.confirmed_by_id


def _witness_share(records, percent, minimum):
    confirmed = [r for r in records if r.confirmed_at is not None]
    by_witness = defaultdict(list)
    for record in filter(_witnessed, confirmed):
        by_witness[record.confirmed_by_id].append(record.id)
    flags = []
    for ids in by_witness.values():
        if len(ids) >= minimum and len(ids) * 100 > percent * len(confirmed):
            share = round(100 * len(ids) / len(confirmed))
            flags += [Flag(rid, "witness_share", f"这位见证人确认了本季度{len(ids)}/{len(confirmed)}条记录（{share}%）")
                      for rid in sorted(ids)]
    return flags


def _quick(records, minutes):
    flags = []
    for record in filter(_witnessed, records):
        after_start = (record.confirmed_at - record.started_at).total_seconds() / 60
        after_report = (record.confirmed_at - record.created_at).total_seconds() / 60
        if after_start < minutes:
            flags.append(Flag(record.id, "quick_confirm", f"服务开始后{max(0, after_start):.0f}分钟就确认了"))
        elif record.confirmed_via == "tap" and after_report < minutes:
            flags.append(Flag(record.id, "quick_confirm", f"登记后{max(0, after_report):.0f}分钟就在手机上确认了（不是当面扫码）"))
    return flags


def weights(record_ids, flags: list[Flag], flag_weight: int) -> dict[int, int]:
    count = defaultdict(int)
    for flag in flags:
        count[flag.record_id] += 1
    return {rid: 1 + flag_weight * count[rid] for rid in record_ids}


def draw(weighted: dict[int, int], seed: str, size: int) -> list[int]:
    """The record ids drawn, first drawn first: reproducible from (weights, seed, size)."""
    rng = random.Random(int(seed, 16))
    keyed = [(rng.random() ** (1.0 / weighted[rid]), rid) for rid in sorted(weighted)]
    keyed.sort(key=lambda pair: (-pair[0], pair[1]))
    return [rid for _, rid in keyed[:size]]
