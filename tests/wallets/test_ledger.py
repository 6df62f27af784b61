"""wallets.ledger: balanced postings, exact amounts, overdrafts refused, reversals,
and ledger rows that neither the models nor the database let anyone change."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, connection, transaction

from accounts.models import User
from config.errors import DomainError, InvalidState
from tests.concurrency import race
from tests.factories import MilestoneFactory, UserFactory, token
from wallets import ledger
from wallets.amounts import MAX_BASE_UNITS
from wallets.arithmetic import UnbalancedError
from wallets.fields import BaseUnitsField
from wallets.ledger import InsufficientFunds, Line
from wallets.models import Account, LedgerEntry, LedgerTransaction, Token

pytestmark = pytest.mark.django_db

USDC = 10**6  # base units per USDC
Kind = LedgerTransaction.Kind
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL (set DATABASE_URL)")


@pytest.fixture
def usdc() -> Token:
    return token("USDC")


def deposit(user: User, tok: Token, amount: int) -> LedgerTransaction:
    """``amount`` base units from outside into the user's available balance."""
    return ledger.post(
        kind=Kind.DEPOSIT,
        token=tok,
        lines=[Line(ledger.external_account(tok), -amount), Line(ledger.available_account(user, tok), amount)],
    )


def transfer(source: User, target: User, tok: Token, amount: int) -> LedgerTransaction:
    return ledger.post(
        kind=Kind.DEPOSIT,
        token=tok,
        lines=[
            Line(ledger.available_account(source, tok), -amount),
            Line(ledger.available_account(target, tok), amount),
        ],
    )


def balance_of(account: Account) -> int:
    value: int = Account.objects.get(pk=account.pk).balance
    return value


def ledger_rows() -> tuple[int, int]:
    return LedgerTransaction.objects.count(), LedgerEntry.objects.count()


def all_balances() -> dict[int, int]:
    """Every non-zero balance (creating an empty account is not a movement)."""
    return {pk: balance for pk, balance in Account.objects.values_list("pk", "balance") if balance}


# --- balanced postings ------------------------------------------------------------


def test_a_balanced_posting_moves_the_amounts_and_records_each_balance_after(
    client_alice: User, contributor_bob: User, usdc: Token
) -> None:
    deposit(client_alice, usdc, 500 * USDC)

    record = ledger.post(
        kind=Kind.FUND,
        token=usdc,
        lines=[
            Line(ledger.available_account(client_alice, usdc), -120 * USDC),
            Line(ledger.available_account(contributor_bob, usdc), 100 * USDC),
            Line(ledger.fees_account(usdc), 20 * USDC),
        ],
        actor=client_alice,
        memo="x" * 300,
    )

    entries = {e.account_id: (e.amount, e.balance_after) for e in record.entries.all()}
    assert entries == {
        ledger.available_account(client_alice, usdc).pk: (-120 * USDC, 380 * USDC),
        ledger.available_account(contributor_bob, usdc).pk: (100 * USDC, 100 * USDC),
        ledger.fees_account(usdc).pk: (20 * USDC, 20 * USDC),
    }
    assert sum(amount for amount, _ in entries.values()) == 0
    assert balance_of(ledger.available_account(client_alice, usdc)) == 380 * USDC
    assert balance_of(ledger.external_account(usdc)) == -500 * USDC
    fresh = LedgerTransaction.objects.get(pk=record.pk)
    assert (fresh.kind, fresh.token_id, fresh.actor_id, fresh.memo) == (Kind.FUND, usdc.pk, client_alice.pk, "x" * 200)


def test_lines_on_one_account_are_merged_into_one_entry(client_alice: User, usdc: Token) -> None:
    alice = ledger.available_account(client_alice, usdc)
    external = ledger.external_account(usdc)

    record = ledger.post(
        kind=Kind.DEPOSIT,
        token=usdc,
        lines=[Line(external, -7), Line(alice, 3), Line(alice, 4), Line(external, 0)],
    )

    assert sorted(record.entries.values_list("account_id", "amount")) == sorted([(external.pk, -7), (alice.pk, 7)])


@pytest.mark.parametrize(
    ("amounts", "message"),
    [
        pytest.param([-100, 99], "sum to -1", id="unbalanced"),
        pytest.param([100, -100, 1], "sum to 1", id="three-lines-unbalanced"),
        pytest.param([0, 0], "at least two entries", id="all-zero"),
        pytest.param([5], "at least two entries", id="one-line"),
        pytest.param([], "at least two entries", id="no-lines"),
    ],
)
def test_it_refuses_a_transaction_that_is_not_balanced_and_writes_nothing(
    client_alice: User, contributor_bob: User, usdc: Token, amounts: list[int], message: str
) -> None:
    deposit(client_alice, usdc, 500)
    accounts = [
        ledger.available_account(client_alice, usdc),
        ledger.external_account(usdc),
        ledger.available_account(contributor_bob, usdc),
    ]
    before_rows, before_balances = ledger_rows(), all_balances()

    with pytest.raises(UnbalancedError, match=message):
        ledger.post(
            kind=Kind.DEPOSIT, token=usdc, lines=[Line(acc, n) for acc, n in zip(accounts, amounts, strict=False)]
        )

    assert ledger_rows() == before_rows
    assert all_balances() == before_balances


def test_lines_that_cancel_out_on_one_account_are_not_a_transaction(client_alice: User, usdc: Token) -> None:
    alice = ledger.available_account(client_alice, usdc)

    with pytest.raises(UnbalancedError, match="at least two entries"):
        ledger.post(kind=Kind.DEPOSIT, token=usdc, lines=[Line(alice, 5), Line(alice, -5)])

    assert ledger_rows() == (0, 0)


def test_the_database_refuses_a_zero_entry(client_alice: User, usdc: Token) -> None:
    record = deposit(client_alice, usdc, 5)

    with pytest.raises(IntegrityError), transaction.atomic():
        LedgerEntry.objects.create(transaction=record, account=ledger.fees_account(usdc), amount=0, balance_after=0)


def test_it_refuses_lines_in_another_token_than_the_transaction(client_alice: User, usdc: Token) -> None:
    wall = token("WALL")
    before = ledger_rows()

    with pytest.raises(ValueError, match="another token"):
        ledger.post(
            kind=Kind.DEPOSIT,
            token=usdc,
            lines=[Line(ledger.external_account(usdc), -5), Line(ledger.available_account(client_alice, wall), 5)],
        )

    assert ledger_rows() == before
    assert balance_of(ledger.available_account(client_alice, wall)) == 0


# --- exact amounts ------------------------------------------------------------------


@pytest.mark.parametrize("amount", [10**30, MAX_BASE_UNITS], ids=["10**30", "2**256-1"])
def test_huge_amounts_round_trip_exactly_and_compare_correctly_in_sql(
    client_alice: User, contributor_bob: User, amount: int
) -> None:
    wall = token("WALL")
    record = deposit(client_alice, wall, amount)
    transfer(client_alice, contributor_bob, wall, 1)

    entry = LedgerEntry.objects.get(transaction=record, amount__gt=0)
    assert entry.amount == amount
    assert type(entry.amount) is int
    assert entry.balance_after == amount
    assert LedgerEntry.objects.get(transaction=record, amount__lt=0).amount == -amount
    assert balance_of(ledger.external_account(wall)) == -amount
    alice = ledger.available_account(client_alice, wall)
    bob = ledger.available_account(contributor_bob, wall)
    assert balance_of(alice) == amount - 1
    # The comparisons run in SQL: on SQLite over the order-preserving text encoding.
    wall_accounts = Account.objects.filter(token=wall)
    assert list(wall_accounts.filter(balance__gt=amount - 2).values_list("pk", flat=True)) == [alice.pk]
    assert list(wall_accounts.filter(balance=amount - 1).values_list("pk", flat=True)) == [alice.pk]
    assert list(wall_accounts.filter(balance__lt=0).values_list("pk", flat=True)) == [ledger.external_account(wall).pk]
    assert list(wall_accounts.order_by("balance").values_list("pk", flat=True)) == [
        ledger.external_account(wall).pk,
        bob.pk,
        alice.pk,
    ]


def test_amounts_never_pass_through_a_float(client_alice: User) -> None:
    """A plain ``DecimalField`` column on SQLite has NUMERIC affinity: SQLite stores
    an integer above 2**63 - 1 as an 8-byte IEEE float, which keeps 15-17
    significant digits, so 10**30 + 1 would read back as 10**30 (and a sum of
    such values drifts). BaseUnitsField never goes through a float: it writes
    order-preserving text on SQLite and ``numeric(78, 0)`` (exact decimal) on
    PostgreSQL, and reads back Python ints. The test shows the loss a float would
    cause, the loss SQLite's NUMERIC affinity does cause, and that the ledger
    keeps every digit."""
    amount = 10**30 + 1
    assert float(amount) == float(10**30)  # what a float would do
    wall = token("WALL")

    deposit(client_alice, wall, amount)
    deposit(client_alice, wall, 2**64 + 1)

    account = ledger.available_account(client_alice, wall)
    assert balance_of(account) == amount + 2**64 + 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT balance FROM wallets_account WHERE id = %s", [account.pk])
        (stored,) = cursor.fetchone()
        if connection.vendor == "sqlite":
            assert stored == "p" + str(amount + 2**64 + 1).rjust(78, "0")
            cursor.execute("SELECT CAST(%s AS NUMERIC)", [str(amount)])
            (numeric,) = cursor.fetchone()
            assert isinstance(numeric, float)  # NUMERIC affinity turned it into a float...
            assert numeric == float(10**30)  # ...which lost the last digit
        else:
            assert stored == amount + 2**64 + 1  # a Decimal, exact


def test_a_balance_beyond_2_256_is_refused_and_nothing_is_written(client_alice: User) -> None:
    wall = token("WALL")
    deposit(client_alice, wall, MAX_BASE_UNITS)
    before_rows, before_balances = ledger_rows(), all_balances()

    with pytest.raises(ValidationError):
        deposit(client_alice, wall, 1)

    assert ledger_rows() == before_rows
    assert all_balances() == before_balances


# --- overdrafts ---------------------------------------------------------------------


def test_an_overdraft_is_refused_naming_both_balances_and_nothing_is_written(
    client_alice: User, contributor_bob: User, usdc: Token
) -> None:
    deposit(client_alice, usdc, 100 * USDC)
    before_rows, before_balances = ledger_rows(), all_balances()

    with pytest.raises(InsufficientFunds) as refused:
        transfer(client_alice, contributor_bob, usdc, 150 * USDC)

    assert refused.value.code == "insufficient_funds"
    assert refused.value.status_code == 409
    assert refused.value.message == (
        "Your available balance is 100 USDC; this needs 150 USDC. Deposit 50 USDC more and try again."
    )
    assert ledger_rows() == before_rows
    assert all_balances() == before_balances


def test_an_overdraft_by_one_base_unit_is_refused(client_alice: User, contributor_bob: User, usdc: Token) -> None:
    deposit(client_alice, usdc, 100 * USDC)

    with pytest.raises(InsufficientFunds, match=r"Deposit 0\.000001 USDC more"):
        transfer(client_alice, contributor_bob, usdc, 100 * USDC + 1)

    transfer(client_alice, contributor_bob, usdc, 100 * USDC)  # the whole balance is fine
    assert balance_of(ledger.available_account(client_alice, usdc)) == 0


def test_an_account_with_no_funds_cannot_pay_into_another(contributor_bob: User, usdc: Token) -> None:
    with pytest.raises(InsufficientFunds):
        ledger.post(
            kind=Kind.FUND,
            token=usdc,
            lines=[Line(ledger.fees_account(usdc), -1), Line(ledger.available_account(contributor_bob, usdc), 1)],
        )

    assert ledger_rows() == (0, 0)


def test_the_external_account_may_go_negative(client_alice: User, contributor_bob: User, usdc: Token) -> None:
    deposit(client_alice, usdc, 5)
    deposit(contributor_bob, usdc, 7)

    external = ledger.external_account(usdc)
    assert balance_of(external) == -12
    assert list(external.entries.order_by("id").values_list("balance_after", flat=True)) == [-5, -12]


# --- reversals ----------------------------------------------------------------------


def test_a_reversal_restores_the_balances_and_cannot_be_done_twice(
    client_alice: User, contributor_bob: User, moderator: User, usdc: Token
) -> None:
    deposit(client_alice, usdc, 100)
    before = all_balances()
    original = transfer(client_alice, contributor_bob, usdc, 30)

    reversal = ledger.reverse(original, actor=moderator)

    assert all_balances() == before
    assert reversal.kind == Kind.REVERSAL
    assert reversal.reverses_id == original.pk
    assert reversal.actor_id == moderator.pk
    assert reversal.memo == f"Reversal of #{original.pk}"
    assert sorted(reversal.entries.values_list("account_id", "amount")) == sorted(
        (account, -amount) for account, amount in original.entries.values_list("account_id", "amount")
    )
    rows = ledger_rows()
    with pytest.raises(InvalidState) as refused:
        ledger.reverse(original)
    assert refused.value.code == "already_reversed"
    assert ledger_rows() == rows
    assert all_balances() == before


def test_a_reversal_needs_the_money_to_still_be_there(
    client_alice: User, contributor_bob: User, mallory: User, usdc: Token
) -> None:
    deposit(client_alice, usdc, 100)
    original = transfer(client_alice, contributor_bob, usdc, 100)
    transfer(contributor_bob, mallory, usdc, 80)  # Bob spent most of it
    rows, balances = ledger_rows(), all_balances()

    with pytest.raises(InsufficientFunds):
        ledger.reverse(original)

    assert (ledger_rows(), all_balances()) == (rows, balances)
    assert not LedgerTransaction.objects.filter(reverses=original).exists()


# --- immutability -------------------------------------------------------------------


def test_the_models_refuse_to_save_or_delete_a_written_row(client_alice: User, usdc: Token) -> None:
    record = deposit(client_alice, usdc, 10)
    entry = record.entries.get(amount__gt=0)

    record.memo = "forged"
    with pytest.raises(TypeError, match="immutable"):
        record.save()
    entry.amount = 1_000_000
    with pytest.raises(TypeError, match="immutable"):
        entry.save()
    with pytest.raises(TypeError, match="immutable"):
        entry.delete()
    with pytest.raises(TypeError, match="immutable"):
        record.delete()

    assert LedgerTransaction.objects.get(pk=record.pk).memo == ""
    assert LedgerEntry.objects.get(pk=entry.pk).amount == 10


def test_querysets_refuse_bulk_updates_and_deletes(client_alice: User, usdc: Token) -> None:
    deposit(client_alice, usdc, 10)

    with pytest.raises(TypeError, match="immutable"):
        LedgerEntry.objects.filter(amount__gt=0).update(amount=1_000)
    with pytest.raises(TypeError, match="immutable"):
        LedgerEntry.objects.all().delete()
    with pytest.raises(TypeError, match="immutable"):
        LedgerTransaction.objects.all().update(memo="forged")
    with pytest.raises(TypeError, match="immutable"):
        LedgerTransaction.objects.all().delete()

    assert ledger_rows() == (1, 2)


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE wallets_ledgerentry SET amount = balance_after",
        "UPDATE wallets_ledgerentry SET account_id = account_id",
        "UPDATE wallets_ledgertransaction SET memo = 'forged'",
    ],
)
def test_the_database_refuses_a_raw_update_of_ledger_rows(client_alice: User, usdc: Token, sql: str) -> None:
    deposit(client_alice, usdc, 10)
    before = list(LedgerEntry.objects.values_list("pk", "account_id", "amount", "balance_after"))

    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)

    assert list(LedgerEntry.objects.values_list("pk", "account_id", "amount", "balance_after")) == before
    assert LedgerTransaction.objects.get().memo == ""


@on_postgresql
@pytest.mark.parametrize("table", ["wallets_ledgerentry", "wallets_ledgertransaction"])
def test_the_database_refuses_a_raw_delete_of_ledger_rows_on_postgresql(
    client_alice: User, usdc: Token, table: str
) -> None:
    # SQLite keeps no DELETE trigger: its test-database flush empties tables with
    # DELETE (see migration 0005); PostgreSQL's flush uses TRUNCATE.
    deposit(client_alice, usdc, 10)

    with pytest.raises(DatabaseError, match="immutable"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - a fixed table name

    assert ledger_rows() == (1, 2)


@pytest.mark.parametrize("kind", ["available", "escrow", "fees"])
def test_the_database_refuses_a_negative_balance_written_by_raw_sql(client_alice: User, usdc: Token, kind: str) -> None:
    account = {
        "available": lambda: ledger.available_account(client_alice, usdc),
        "escrow": lambda: ledger.escrow_account(MilestoneFactory(), usdc),
        "fees": lambda: ledger.fees_account(usdc),
    }[kind]()
    minus_one = BaseUnitsField().get_db_prep_value(-1, connection)

    with pytest.raises(IntegrityError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE wallets_account SET balance = %s WHERE id = %s", [minus_one, account.pk])
    with pytest.raises(IntegrityError), transaction.atomic():
        Account.objects.filter(pk=account.pk).update(balance=-1)

    assert balance_of(account) == 0


def test_the_database_lets_the_external_account_go_negative(usdc: Token) -> None:
    external = ledger.external_account(usdc)
    minus_five = BaseUnitsField().get_db_prep_value(-5, connection)

    with connection.cursor() as cursor:
        cursor.execute("UPDATE wallets_account SET balance = %s WHERE id = %s", [minus_five, external.pk])

    assert balance_of(external) == -5


# --- accounts -------------------------------------------------------------------------


def test_each_kind_of_account_exists_once_per_owner_and_token(client_alice: User, usdc: Token) -> None:
    assert ledger.available_account(client_alice, usdc).pk == ledger.available_account(client_alice, usdc).pk
    assert ledger.fees_account(usdc).pk == ledger.fees_account(usdc).pk
    assert ledger.external_account(usdc).pk == ledger.external_account(usdc).pk
    assert ledger.available_account(client_alice, usdc).pk != ledger.available_account(client_alice, token("WALL")).pk
    assert Account.objects.count() == 4


def test_account_creation_that_loses_a_race_returns_the_winners_row(
    client_alice: User, usdc: Token, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process commits the row between our lookup and our insert: the unique
    constraint refuses our insert, the savepoint keeps the caller's transaction
    usable, and the winner's row is returned."""
    winner = Account.objects.create(kind=Account.Kind.AVAILABLE, token=usdc, owner=client_alice)

    def lose_the_race(**kwargs: Any) -> tuple[Account, bool]:
        Account.objects.create(**kwargs)  # our insert: refused by the unique constraint
        raise AssertionError("the insert should have been refused")

    monkeypatch.setattr(Account.objects, "get_or_create", lose_the_race)

    with transaction.atomic():
        account = ledger.available_account(client_alice, usdc)
        assert Account.objects.filter(kind="available").count() == 1  # the transaction still works

    assert account.pk == winner.pk


@pytest.mark.postgres
@on_postgresql
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_concurrent_account_creation_makes_one_account() -> None:
    user = UserFactory(persona="racer")
    usdc = token("USDC")

    results = race([lambda: ledger.available_account(User.objects.get(pk=user.pk), usdc) for _ in range(20)])

    assert not [r for r in results if isinstance(r, DomainError)]
    assert {r.pk for r in results if isinstance(r, Account)} == {Account.objects.get(owner=user).pk}
    assert Account.objects.filter(owner=user, token=usdc).count() == 1
