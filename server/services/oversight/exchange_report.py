"""通存通兑 in the half-year study report: the community's network, its flows in and out, its net position.

Everything is read from the community's clearing account (docs/ledger.md, invariant 10): a leg of
−n on it is n minutes come into the community from another one (a relative's gift received, a
household moved in), +n is n minutes gone out. Flows are grouped by the transfer's `code`, named as
the passbook names it (`ledger.CODES`), so a new kind of movement between communities (a payback
served across, say) gets its own columns without changing this module. Figures only: no names of
residents, only communities.
"""

from collections import defaultdict

from peewee import fn

from server.models import Account, Community, Entry, Network, NetworkMember, NetworkSettlement, Transfer
from server.services.ledger import core as ledger
from server.services.oversight import documents, periods, study_report
from server.services.oversight.documents import Chart, Table
from server.services.oversight.study_report import Period, Section

# Shown even when nothing of the kind crossed, so the table keeps its shape from one report to the next.
ALWAYS_SHOWN = ("gift", "move")


def register() -> None:
    """Its half-year report sections (server/hooks.py calls it once)."""
    study_report.section("exchange", "通存通兑：逐月转入转出", sheet="通存通兑", order=140)(flows_by_month)
    study_report.section("exchange_network", "通存通兑网络和净头寸", sheet="通存通兑网络", order=145)(network_positions)


def _clearing(community_id: int) -> Account | None:
    return Account.get_or_none(Account.community == community_id, Account.kind == "clearing")


def _position(account_id: int, before) -> int:
    """The clearing balance from the entries dated before `before` (the net position then)."""
    return int(Entry.select(fn.COALESCE(fn.SUM(Entry.minutes), 0))
               .where(Entry.account == account_id, Entry.effective_date < before).scalar() or 0)


def _legs(account_id: int, start, end):
    """(year, month, code, other community id, minutes) of every clearing leg dated in [start, end)."""
    return (Entry.select(Entry.effective_date, Transfer.code, Transfer.community, Transfer.counter_community,
                         Entry.minutes)
            .join(Transfer).where(Entry.account == account_id, Entry.effective_date >= start,
                                  Entry.effective_date < end).tuples())


def _limit_at_month_end(network_id: int | None, community_id: int, year: int, month: int, current: int | None):
    """The limit stored with the month's settlement when the month was closed, else today's limit."""
    if network_id is None:
        return current
    stored = NetworkSettlement.get_or_none(NetworkSettlement.network == network_id, NetworkSettlement.year == year,
                                           NetworkSettlement.month == month)
    if stored is not None:
        for line in stored.positions:
            if line["community_id"] == community_id:
                return line["limit_minutes"]
    return current


def flows_by_month(period: Period) -> Section:
    """Per month: minutes in and out by kind, the totals, the net position at month end and the limit."""
    community_id = period.community.id
    membership = NetworkMember.get_or_none(NetworkMember.community == community_id)
    account = _clearing(community_id)
    months = periods.months(period.start, period.end)
    moved = defaultdict(lambda: [0, 0])  # (year, month, code) → [in, out]
    codes = set(ALWAYS_SHOWN)
    if account is not None:
        for day, code, _, _, minutes in _legs(account.id, period.start, period.end):
            codes.add(code)
            moved[(day.year, day.month, code)][0 if minutes < 0 else 1] += abs(minutes)
    kinds = [code for code in ledger.CODES if code in codes] + sorted(codes - set(ledger.CODES))
    headers = ["月份"]
    for code in kinds:
        label = ledger.CODES.get(code, code)
        headers += [f"{label}转入（小时）", f"{label}转出（小时）"]
    headers += ["转入合计（小时）", "转出合计（小时）", "月末净头寸（小时）", "额度（小时）"]
    rows = []
    position = _position(account.id, period.start) if account is not None else 0
    opening = position
    for year, month in months:
        row, total_in, total_out = [f"{year}年{month}月"], 0, 0
        for code in kinds:
            minutes_in, minutes_out = moved[(year, month, code)]
            row += [documents.hours(minutes_in), documents.hours(minutes_out)]
            total_in, total_out = total_in + minutes_in, total_out + minutes_out
        position += total_out - total_in
        limit = _limit_at_month_end(membership.network_id if membership else None, community_id, year, month,
                                    membership.limit_minutes if membership else None)
        row += [documents.hours(total_in), documents.hours(total_out), documents.hours(position),
                documents.hours(limit) if limit is not None else "—"]
        rows.append(row)
    width = len(headers)
    table = Table(headers=headers, rows=rows, hour_columns=tuple(range(1, width)))
    notes = [
        "转入：其他社区的时间进入本社区（收到亲属转赠、家庭迁入等）；转出：本社区的时间去了其他社区。"
        "冲正单独成列（冲正转入＝以前转出的退回）。",
        f"净头寸：正数表示网络欠本社区的时间，负数表示本社区欠网络的时间；期初净头寸{documents.hours(opening):g}小时。"
        "额度：本社区对网络最多可欠（或被欠）的时间；已月结的月份取月结时的额度。",
    ]
    if membership is None:
        notes.insert(0, "本社区现在没有加入通存通兑网络。")
    over = [row[0] for row in rows if isinstance(row[-1], float) and abs(row[-2]) > row[-1]]
    if over:
        notes.append(f"注意：{'、'.join(over)}月末净头寸超过额度，请核对账本。")
    return Section(table, Chart("通存通兑：逐月转入、转出和月末净头寸", 0, (width - 4, width - 3, width - 2)),
                   notes=notes)


def network_positions(period: Period) -> Section:
    """The community's network: each member's net position at the period's end against its limit, and this
    community's flows with each of them during the period."""
    community_id = period.community.id
    membership = NetworkMember.get_or_none(NetworkMember.community == community_id)
    headers = ["社区", "期末净头寸（小时）", "额度（小时）", "占额度", "本期从该社区转入（小时）", "本期转出到该社区（小时）"]
    if membership is None:
        return Section(Table(headers=headers, rows=[]), notes=["本社区没有加入通存通兑网络。"])
    network = Network.get_by_id(membership.network_id)
    members = list(NetworkMember.select(NetworkMember, Community).join(Community)
                   .where(NetworkMember.network == network.id).order_by(Community.id))
    with_other = defaultdict(lambda: [0, 0])
    account = _clearing(community_id)
    if account is not None:
        for _, _, first, counter, minutes in _legs(account.id, period.start, period.end):
            other = counter if first == community_id else first
            with_other[other][0 if minutes < 0 else 1] += abs(minutes)
    rows, total = [], 0
    for member in members:
        clearing = _clearing(member.community_id)
        position = _position(clearing.id, period.end) if clearing is not None else 0
        total += position
        share = f"{100 * abs(position) / member.limit_minutes:.0f}%" if member.limit_minutes else "—"
        name = member.community.name + ("（本社区）" if member.community_id == community_id else "")
        minutes_in, minutes_out = with_other[member.community_id] if member.community_id != community_id else (0, 0)
        rows.append([name, documents.hours(position), documents.hours(member.limit_minutes), share,
                     documents.hours(minutes_in), documents.hours(minutes_out)])
    notes = [f"网络：{network.name}（{network.kind}），{len(members)}个社区。",
             f"各社区期末净头寸合计{documents.hours(total):g}小时（应为0：一个社区转出多少，其他社区就转入多少）。"]
    return Section(Table(headers=headers, rows=rows, hour_columns=(1, 2, 4, 5), widths={0: 22}),
                   Chart("通存通兑网络：期末净头寸和额度", 0, (1, 2)), notes=notes)
