"""A Hypothesis state machine drives the ledger against a plain model, on both backends.

Credit, debit, hold, post, void, reverse, replay-same-key (and a changed body) and
month close, in any order; after every step the database must agree with the model
and the verifier must find nothing.
"""

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
from server.db import init_db
from server.errors import RuleBroken
from server.models import Account, Household, Transfer
from server.services.ledger import core as ledger
from server.services.ledger import ledger_ops, ledger_verify, statements
from tests.conftest import _reset_postgres
from tests.factories import make_community, make_coordinator, make_member

CAP = 600
STEPS = st.integers(1, 8).map(lambda n: n * 30)


def machine_for(url_factory):
    class LedgerMachine(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            url_factory()
            hooks.install()
            runtime.configure(settings_module.load({"HOUSEHOLD_CAP_MINUTES": CAP, "SECRET_KEY": "t"}))
            self.keys = itertools.count()
            self.now = dt.datetime(2026, 1, 10, 9, 0)
            clock.freeze(self.now)

        @initialize()
        def open_accounts(self):
            self.community = make_community()
            self.coordinator = make_coordinator(self.community)
            self.households = [Household.get_by_id(make_member(self.community).household_id) for _ in range(2)]
            self.posted = {h.id: 0 for h in self.households}
            self.pending = {h.id: 0 for h in self.households}
            self.pool = 0
            self.holds = []  # [transfer_id, household_id, minutes, state]
            self.posted_transfers = []  # (transfer_id, {household_id: minutes}, pool_minutes, code)
            self.reversed = set()
            self.calls = {}  # transfer_id -> (key, minutes, household_id) of an adjustment, for replays
            self.closed = set()

        def _key(self):
            return f"k{next(self.keys)}"

        def _available(self, household_id):
            return self.posted[household_id] - self.pending[household_id]

        @rule(which=st.integers(0, 1), minutes=STEPS)
        def credit(self, which, minutes):
            household = self.households[which]
            key = self._key()
            transfer = ledger_ops.adjust(self.coordinator, household, minutes=minutes, reason="存入", key=key)
            kept = min(minutes, max(0, CAP - self.posted[household.id]))
            self.posted[household.id] += kept
            self.pool += minutes - kept
            self.posted_transfers.append((transfer.id, {household.id: kept}, minutes - kept, "adjustment"))
            self.calls[transfer.id] = (key, minutes, household)

        @rule(which=st.integers(0, 1), minutes=STEPS)
        def debit(self, which, minutes):
            household = self.households[which]
            if self._available(household.id) < minutes:
                with pytest.raises(ledger.InsufficientMinutes):
                    ledger_ops.adjust(self.coordinator, household, minutes=-minutes, reason="扣回", key=self._key())
                return
            transfer = ledger_ops.adjust(self.coordinator, household, minutes=-minutes, reason="扣回", key=self._key())
            self.posted[household.id] -= minutes
            self.posted_transfers.append((transfer.id, {household.id: -minutes}, 0, "adjustment"))

        @rule(which=st.integers(0, 1), minutes=STEPS)
        def hold(self, which, minutes):
            household = self.households[which]
            key = self._key()
            if self._available(household.id) < minutes:
                with pytest.raises(ledger.InsufficientMinutes):
                    ledger.hold(household_id=household.id, minutes=minutes, key=key, body={"m": minutes})
                return
            transfer = ledger.hold(household_id=household.id, minutes=minutes, key=key, body={"m": minutes})
            self.pending[household.id] += minutes
            self.holds.append([transfer.id, household.id, minutes, "pending"])

        @precondition(lambda self: self.holds)
        @rule(data=st.data(), share=st.integers(0, 4))
        def post(self, data, share):
            hold = data.draw(st.sampled_from(self.holds))
            transfer_id, household_id, minutes, state = hold
            spend = minutes * share // 4
            if state != "pending":
                with pytest.raises(ledger.AlreadyResolved):
                    ledger.post_hold(transfer_id, minutes=spend)
                return
            ledger.post_hold(transfer_id, minutes=spend)
            self.pending[household_id] -= minutes
            self.posted[household_id] -= spend
            hold[3] = "posted"
            if spend:
                self.posted_transfers.append((transfer_id, {household_id: -spend}, 0, "payback"))

        @precondition(lambda self: self.holds)
        @rule(data=st.data())
        def void(self, data):
            hold = data.draw(st.sampled_from(self.holds))
            if hold[3] != "pending":
                with pytest.raises(ledger.AlreadyResolved):
                    ledger.void_hold(hold[0])
                return
            ledger.void_hold(hold[0])
            self.pending[hold[1]] -= hold[2]
            hold[3] = "voided"

        @precondition(lambda self: self.posted_transfers)
        @rule(data=st.data())
        def reverse(self, data):
            transfer_id, legs, pool, code = data.draw(st.sampled_from(self.posted_transfers))
            key = self._key()
            if transfer_id in self.reversed:
                with pytest.raises(ledger.AlreadyResolved):
                    ledger.reverse(transfer_id, key=key, reason="更正")
                return
            fits = all(self._available(h) >= m for h, m in legs.items() if m > 0) and self.pool >= pool
            if not fits:
                with pytest.raises(ledger.InsufficientMinutes):
                    ledger.reverse(transfer_id, key=key, reason="更正")
                return
            ledger.reverse(transfer_id, key=key, reason="更正")
            for household_id, minutes in legs.items():
                self.posted[household_id] -= minutes
            self.pool -= pool
            self.reversed.add(transfer_id)

        @precondition(lambda self: self.calls)
        @rule(data=st.data(), change=st.booleans())
        def replay(self, data, change):
            transfer_id = data.draw(st.sampled_from(sorted(self.calls)))
            key, minutes, household = self.calls[transfer_id]
            if change:
                with pytest.raises(ledger.IdempotencyConflict):
                    ledger_ops.adjust(self.coordinator, household, minutes=minutes + 30, reason="存入", key=key)
            else:
                again = ledger_ops.adjust(self.coordinator, household, minutes=minutes, reason="存入", key=key)
                assert again.id == transfer_id

        @rule()
        def close_month(self):
            """Move into the next month, close the last one, and try to post into it."""
            closing = (self.now.year, self.now.month)
            self.now = (self.now.replace(day=1) + dt.timedelta(days=32)).replace(day=3)
            clock.freeze(self.now)
            for household in self.households:
                statement = statements.close_month(household, *closing)
                assert statement.closing_minutes == Account.get(Account.household == household.id).posted_minutes
            self.closed.add(closing)
            clock.freeze(dt.datetime(*closing, 28, 12, 0))
            # A posting that would write a household entry dated in the closed month is refused.
            for household in self.households:
                if self.posted[household.id] < CAP:
                    with pytest.raises(ledger.MonthClosed):
                        ledger_ops.adjust(self.coordinator, household, minutes=30, reason="补记", key=self._key())
                elif self._available(household.id) >= 30:
                    with pytest.raises(ledger.MonthClosed):
                        ledger_ops.adjust(self.coordinator, household, minutes=-30, reason="补记", key=self._key())
            clock.freeze(self.now)

        @invariant()
        def agrees_with_the_model(self):
            if not hasattr(self, "households"):
                return
            for household in self.households:
                account = Account.get(Account.household == household.id)
                assert (account.posted_minutes, account.pending_minutes) == (
                    self.posted[household.id], self.pending[household.id])
                assert account.posted_minutes - account.pending_minutes >= 0
            assert ledger.system_account(self.community.id, "love_pool").posted_minutes == self.pool
            assert ledger_verify.verify() == []

        def teardown(self):
            clock.freeze(None)

    return LedgerMachine


SETTINGS = settings(max_examples=25, stateful_step_count=20, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


def test_ledger_state_machine_sqlite(sqlite_template, redis):
    workdir = Path(tempfile.mkdtemp(prefix="lb-hyp-"))
    counter = itertools.count()

    def fresh():
        path = workdir / f"db{next(counter)}.db"
        shutil.copy(sqlite_template, path)
        init_db(f"sqlite:///{path}")

    try:
        run_state_machine_as_test(machine_for(fresh), settings=SETTINGS)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.mark.postgres
def test_ledger_state_machine_postgres(pg_database_url, redis):
    run_state_machine_as_test(machine_for(lambda: _reset_postgres(pg_database_url)), settings=SETTINGS)


def test_errors_carry_the_rule_name():
    assert issubclass(ledger.InsufficientMinutes, RuleBroken)
    assert ledger.InsufficientMinutes("x").rule == "insufficient_minutes"
    assert Transfer._meta.fields["idempotency_key"].unique
