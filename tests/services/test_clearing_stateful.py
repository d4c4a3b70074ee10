"""A Hypothesis state machine over three communities in one network (通存通兑, docs/ledger.md, invariant 10).

Random gifts between relatives of different communities, reversals of them (by either community's
station), paybacks opened to the network and served by another community's volunteer (claimed, checked in
and out, confirmed by the elder), households that move (迁移, accepted by the receiving station) and limit
changes, against a plain model. After every step: each community's legs sum to
zero (the verifier), the clearing balances sum to zero across the network, no |position| passes its
limit, the positions and balances agree with the model, and the verifier finds nothing. Derandomized
with a fixed number of examples, so it runs the same way every time.
"""

import collections
import datetime as dt
import itertools
import shutil
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from config import settings as settings_module
from server import clock, hooks, runtime
from server.models import Account, Household, Member, Network, Task
from server.services.board import bookings, records, tasks
from server.services.ledger import core as ledger
from server.services.ledger import ledger_ops, ledger_verify, moves, networks
from tests.conftest import _reset_postgres
from tests.factories import make_community, make_coordinator, make_member, make_volunteer, need

STARTS = [600, 180, 60]  # the smaller households fit within the limits, so they can move
AMOUNTS = st.integers(1, 8).map(lambda n: n * 30)
LIMITS = st.integers(0, 12).map(lambda n: n * 30)
PAIRS = [(a, b) for a in range(3) for b in range(3) if a != b]
SEEN = collections.Counter()  # what the runs exercised: the paybacks across must have happened


def machine_for(url_factory):
    class ClearingMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            url_factory()
            hooks.install()
            runtime.configure(settings_module.load({"HOUSEHOLD_CAP_MINUTES": 100_000, "SECRET_KEY": "t"}))
            self.keys = itertools.count()
            clock.freeze(dt.datetime(2026, 5, 12, 9, 0))

        @initialize()
        def open_network(self):
            self.communities = [make_community() for _ in range(3)]
            self.stations = [make_coordinator(c) for c in self.communities]
            # Elders (they may redeem), and a volunteer in each community who serves the others' paybacks.
            self.members = [make_member(c, birth_date=dt.date(1950, 1, 1)) for c in self.communities]
            self.volunteers = [make_volunteer(c)[0] for c in self.communities]
            self.day = 0
            self.households = [Household.get_by_id(m.household_id) for m in self.members]
            for n, household in enumerate(self.households):
                ledger_ops.adjust(self.stations[n], household, minutes=STARTS[n], reason="开户存入", key=f"fund-{n}")
            for a, b in PAIRS:
                if a < b:
                    kinship = ledger_ops.request_kinship(self.members[a], invite_code=self.households[b].invite_code,
                                                         relation="女儿")
                    ledger_ops.confirm_kinship(self.stations[a], kinship)
                    ledger_ops.accept_kinship(self.members[b], kinship)
            self.limits = [240, 240, 240]
            network = networks.create(None, name="街道网络", kind="街道", community_ids=[c.id for c in self.communities],
                                      limits=[{"community_id": c.id, "limit_minutes": limit}
                                              for c, limit in zip(self.communities, self.limits, strict=True)])
            self.network_id = network.id
            self.balance = list(STARTS)
            self.position = [0, 0, 0]
            self.gifts = []  # (transfer_id, giver index, receiver index, minutes, giver's community, receiver's)
            self.reversed = set()
            self.where = [0, 1, 2]  # each household's community (index); a move changes it

        def _key(self):
            return f"k{next(self.keys)}"

        def _fits(self, giver, receiver, minutes, out=None, into=None):
            """Households giver → receiver; `out`/`into` their communities (now, unless given)."""
            out = self.where[giver] if out is None else out
            into = self.where[receiver] if into is None else into
            if self.balance[giver] < minutes:
                return False
            return out == into or (abs(self.position[out] + minutes) <= self.limits[out]
                                   and abs(self.position[into] - minutes) <= self.limits[into])

        def _move(self, giver, receiver, minutes, out=None, into=None):
            out = self.where[giver] if out is None else out
            into = self.where[receiver] if into is None else into
            self.balance[giver] -= minutes
            self.balance[receiver] += minutes
            if out != into:
                self.position[out] += minutes
                self.position[into] -= minutes

        @rule(pair=st.sampled_from(PAIRS), minutes=AMOUNTS)
        def gift(self, pair, minutes):
            giver, receiver = pair
            fits = self._fits(giver, receiver, minutes)
            try:
                transfer = ledger_ops.gift(self.members[giver], to_household_id=self.households[receiver].id,
                                           minutes=minutes, note="", key=self._key())
            except (ledger.InsufficientMinutes, ledger.LimitExceeded):
                assert not fits, "a gift within balance and limits was refused"
                return
            assert fits, "a gift past a balance or a limit went through"
            self.gifts.append((transfer.id, giver, receiver, minutes, self.where[giver], self.where[receiver]))
            self._move(giver, receiver, minutes)

        @precondition(lambda self: len(self.reversed) < len(self.gifts))
        @rule(data=st.data(), by_receiver=st.booleans())
        def reverse(self, data, by_receiver):
            open_gifts = [g for g in self.gifts if g[0] not in self.reversed]
            transfer_id, giver, receiver, minutes, out, into = data.draw(st.sampled_from(open_gifts))
            moved = (self.where[giver], self.where[receiver]) != (out, into)
            fits = self._fits(receiver, giver, minutes, into, out)  # a reversal moves the hours back
            station = self.stations[into if by_receiver else out]
            try:
                ledger_ops.reverse(station, transfer_id, reason="家属要求退回", key=self._key())
            except (ledger.InsufficientMinutes, ledger.LimitExceeded):
                assert not fits or moved, "a reversal within balance and limits was refused"
                return
            except ledger.RuleBroken as refused:
                assert moved and refused.rule == "not_reversible", refused
                return
            assert fits and not moved, "a reversal past a balance or a limit, or after a move, went through"
            self._move(receiver, giver, minutes, into, out)
            self.reversed.add(transfer_id)

        @rule(which=st.integers(0, 2), serving=st.integers(0, 2), minutes=st.sampled_from([30, 60, 90]))
        def payback_across(self, which, serving, minutes):
            """Household `which` opens a payback to the network; community `serving`'s volunteer claims it (a limit
            may refuse: then it is cancelled), serves it and the elder confirms: the hold posts through clearing."""
            here = self.where[which]
            if serving == here:
                return
            self.day += 1
            clock.freeze(dt.datetime(2026, 5, 12, 9, 0) + dt.timedelta(days=self.day))
            elder = Member.get_by_id(self.members[which].id)
            try:
                request = bookings.open_payback(elder, {**need(hours_from_now=0, minutes=minutes), "open_to_network": True})
            except ledger.InsufficientMinutes:
                assert self.balance[which] < minutes, "a payback within the balance was refused"
                return
            assert self.balance[which] >= minutes
            fits = (abs(self.position[here] + minutes) <= self.limits[here]
                    and abs(self.position[serving] - minutes) <= self.limits[serving])
            volunteer = Member.get_by_id(self.volunteers[serving].id)
            task = Task.get(Task.request == request.id)
            try:
                tasks.claim(volunteer, task)
            except ledger.LimitExceeded:
                assert not fits, "a payback within the limits could not be claimed"
                SEEN["payback refused by a limit"] += 1
                bookings.cancel(elder, request, "无人能接")
                return
            assert fits, "a payback past a limit was claimed"
            tasks.check_in(volunteer, Task.get_by_id(task.id))
            clock.freeze(clock.now() + dt.timedelta(minutes=minutes + 5))
            _, record = tasks.check_out(volunteer, Task.get_by_id(task.id))
            records.confirm(elder, record)
            self.balance[which] -= minutes
            self.position[here] += minutes
            self.position[serving] -= minutes
            SEEN["payback served across"] += 1

        @rule(which=st.integers(0, 2), to=st.integers(0, 2))
        def move(self, which, to):
            """The household asks to move; the receiving station accepts (or a limit refuses and it is cancelled)."""
            if to == self.where[which]:
                return
            member = Member.get_by_id(self.members[which].id)
            asked = moves.request(member, Household.get_by_id(self.households[which].id),
                                  to_community_id=self.communities[to].id, reason="搬家")
            minutes, out = self.balance[which], self.where[which]
            fits = minutes == 0 or (abs(self.position[out] + minutes) <= self.limits[out]
                                    and abs(self.position[to] - minutes) <= self.limits[to])
            try:
                done = moves.accept(self.stations[to], asked.id)
            except ledger.LimitExceeded:
                assert not fits, "a move within the limits was refused"
                moves.cancel(member, asked.id)
                return
            assert fits and done.minutes == minutes, "a move past a limit went through"
            self.position[out] += minutes
            self.position[to] -= minutes
            self.where[which] = to

        @rule(which=st.integers(0, 2), limit=LIMITS)
        def change_limit(self, which, limit):
            network = Network.get_by_id(self.network_id)
            try:
                networks.update(network, limits=[{"community_id": self.communities[which].id, "limit_minutes": limit}])
            except ledger.RuleBroken as refused:
                assert refused.rule == "limit_below_position" and limit < abs(self.position[which])
                return
            assert limit >= abs(self.position[which])
            self.limits[which] = limit

        @invariant()
        def books_agree(self):
            if not hasattr(self, "position"):
                return
            clearing = [ledger.system_account(c.id, "clearing").posted_minutes for c in self.communities]
            assert clearing == self.position
            assert sum(clearing) == 0
            assert all(abs(p) <= limit for p, limit in zip(clearing, self.limits, strict=True))
            assert [Account.get(Account.household == h.id).posted_minutes for h in self.households] == self.balance
            assert [Household.get_by_id(h.id).community_id for h in self.households] == [
                self.communities[n].id for n in self.where]
            assert ledger_verify.verify() == []
            for community in self.communities:  # what each station's verification and audit see
                assert ledger_verify.verify(community.id) == []

        def teardown(self):
            clock.freeze(None)

    return ClearingMachine


SETTINGS = settings(max_examples=12, stateful_step_count=15, deadline=None, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def test_clearing_state_machine_sqlite(sqlite_template, redis):
    workdir = Path(tempfile.mkdtemp(prefix="lb-clearing-"))
    counter = itertools.count()

    def fresh():
        from server.db import init_db

        path = workdir / f"db{next(counter)}.db"
        shutil.copy(sqlite_template, path)
        init_db(f"sqlite:///{path}")

    SEEN.clear()
    try:
        run_state_machine_as_test(machine_for(fresh), settings=SETTINGS)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    assert SEEN["payback served across"] > 0, SEEN


@pytest.mark.postgres
def test_clearing_state_machine_postgres(pg_database_url, redis):
    SEEN.clear()
    run_state_machine_as_test(machine_for(lambda: _reset_postgres(pg_database_url)), settings=SETTINGS)
    assert SEEN["payback served across"] > 0, SEEN
