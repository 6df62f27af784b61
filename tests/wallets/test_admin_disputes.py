"""The admin: the arbiters' dispute queue (open first, linking to the resolve form on
the dispute page) and read-only views of the ledger, payouts and audit trail."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from pytest_django.asserts import assertContains, assertNotContains

from accounts.models import User
from marketplace.models import Milestone, Project
from tests.factories import UserFactory, token
from wallets import escrow, payouts
from wallets.models import Account, AuditEvent, Deposit, Dispute, LedgerTransaction, Withdrawal

pytestmark = pytest.mark.django_db

LEDGER_MODELS = [Account, LedgerTransaction, Withdrawal, Deposit, AuditEvent, Dispute]


@pytest.fixture
def superuser(db: Any) -> User:
    return User.objects.create_superuser(UserFactory.build().address, password="correct horse battery staple")


@pytest.fixture
def disputes(hired_project: Project, client_alice: User, contributor_bob: User, moderator: User) -> list[Dispute]:
    """An old resolved dispute and an open one on Alice's two milestones."""
    first, second = hired_project.milestones.order_by("order")
    for milestone in (first, second):
        escrow.milestone_fund(milestone=milestone, actor=client_alice)
        escrow.milestone_submit(milestone=milestone, actor=contributor_bob, note="Done.")
    resolved = escrow.milestone_dispute(milestone=first, actor=contributor_bob, reason="No answer from the client.")
    Dispute.objects.filter(pk=resolved.pk).update(opened_at=timezone.now() - timedelta(days=3))
    escrow.dispute_resolve(
        dispute=resolved, arbiter=moderator, to_contributor=1_000 * 10**6, to_client=0, resolution="Delivered."
    )
    opened = escrow.milestone_dispute(milestone=second, actor=client_alice, reason="The launch never happened.")
    return [resolved, opened]


def test_every_staff_member_sees_the_queue_open_disputes_first(
    browser_as: Any, moderator: User, disputes: list[Dispute]
) -> None:
    resolved, opened = disputes

    response = browser_as(moderator).get("/admin/wallets/dispute/")

    assert response.status_code == 200
    assert [d.pk for d in response.context["cl"].result_list] == [opened.pk, resolved.pk]
    assertContains(response, f'href="{reverse("wallets:dispute", args=[opened.pk])}#resolve"')
    assertContains(response, "Resolve on the dispute page")
    assertContains(response, "4000 USDC")


def test_the_queue_is_searchable_and_filterable(browser_as: Any, moderator: User, disputes: list[Dispute]) -> None:
    client = browser_as(moderator)

    by_reason = client.get("/admin/wallets/dispute/", {"q": "launch never"})
    by_title = client.get("/admin/wallets/dispute/", {"q": "Subnet validator"})
    open_only = client.get("/admin/wallets/dispute/", {"status__exact": "open"})

    assert [d.pk for d in by_reason.context["cl"].result_list] == [disputes[1].pk]
    assert len(by_title.context["cl"].result_list) == 2
    assert [d.pk for d in open_only.context["cl"].result_list] == [disputes[1].pk]


def test_a_dispute_is_read_only_in_the_admin(browser_as: Any, moderator: User, disputes: list[Dispute]) -> None:
    opened = disputes[1]
    client = browser_as(moderator)

    page = client.get(f"/admin/wallets/dispute/{opened.pk}/change/")
    client.post(f"/admin/wallets/dispute/{opened.pk}/change/", {"status": "resolved", "to_client": "1"})

    assert page.status_code == 200
    assertContains(page, "The launch never happened.")
    assertNotContains(page, 'name="reason"')
    opened.refresh_from_db()
    assert opened.status == Dispute.Status.OPEN
    assert client.get("/admin/wallets/dispute/add/").status_code == 403


def test_someone_who_is_not_staff_cannot_open_the_queue(browser_as: Any, mallory: User) -> None:
    response = browser_as(mallory).get("/admin/wallets/dispute/")

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("model", LEDGER_MODELS, ids=lambda m: m.__name__)
def test_ledger_rows_cannot_be_added_changed_or_deleted(superuser: User, model: type[Any]) -> None:
    model_admin = admin.site._registry[model]
    request = RequestFactory().get("/admin/")
    request.user = superuser

    assert model_admin.search_fields
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
    assert model_admin.has_view_permission(request)


@pytest.mark.parametrize("model", LEDGER_MODELS, ids=lambda m: m.__name__)
def test_every_ledger_changelist_loads(
    browser_as: Any, superuser: User, model: type[Any], disputes: list[Dispute], client_alice: User
) -> None:
    payouts.withdrawal_request(user=client_alice, token=token("USDC"), amount=10**6)
    url = f"/admin/wallets/{model._meta.model_name}/"

    response = browser_as(superuser).get(url, {"q": "a"})

    assert response.status_code == 200
    assert browser_as(superuser).get(url + "add/").status_code == 403


def test_a_transaction_shows_its_entries_inline(browser_as: Any, superuser: User, hired_project: Project) -> None:
    milestone = hired_project.milestones.get(order=1)
    escrow.milestone_fund(milestone=milestone, actor=hired_project.owner)
    record = LedgerTransaction.objects.get(kind=LedgerTransaction.Kind.FUND)

    page = browser_as(superuser).get(f"/admin/wallets/ledgertransaction/{record.pk}/change/")

    assert page.status_code == 200
    assertContains(page, "-1000 USDC")
    assertContains(page, "1000 USDC")
    browser_as(superuser).post(f"/admin/wallets/ledgertransaction/{record.pk}/delete/", {"post": "yes"})
    assert LedgerTransaction.objects.filter(pk=record.pk).exists()
    assert Milestone.objects.get(pk=milestone.pk).status == Milestone.Status.FUNDED
