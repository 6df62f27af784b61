"""Sign-in, sign-out and welcome pages.

Sign-In with Ethereum happens in the browser (static/js/siwe.js talks to the
wallet and to the JSON endpoints of ``wallets``); these pages only host it. The
sign-in page also offers a development login (pick or type any wallet address,
no signature) when ``settings.DEV_LOGIN_ENABLED`` is on; the system checks refuse
that setting outside DEBUG. With it off the form is absent and posting to it is
a 404.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render, resolve_url
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.forms import DevLoginForm
from accounts.models import User
from accounts.services import user_get_or_create
from config.http import safe_next_url
from wallets.services import tokens_revoke_for_session

DEMO_USER_LIMIT = 30


@require_http_methods(["GET", "POST"])
def login_view(request: HttpRequest) -> HttpResponse:
    next_url = safe_next_url(request)
    form: DevLoginForm | None = None
    if request.method == "POST":
        if not settings.DEV_LOGIN_ENABLED:
            raise Http404("Development sign-in is disabled.")
        form = DevLoginForm(request.POST)
        if form.is_valid():
            address = form.cleaned_data["address"]
            user, _ = user_get_or_create(address=address)
            if not user.is_active:
                form.add_error("address", "This account is deactivated.")
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                messages.success(request, f"Signed in as {user.name}.")
                return redirect(next_url or resolve_url(settings.LOGIN_REDIRECT_URL))
    elif settings.DEV_LOGIN_ENABLED:
        form = DevLoginForm()

    query = request.GET.get("q", "").strip()[:64]
    demo_users: list[User] = []
    if settings.DEV_LOGIN_ENABLED:
        # Development only: the people to sign in as, optionally searched.
        users = User.objects.filter(is_active=True).select_related("profile").order_by("id")
        if query:
            users = users.filter(Q(address__icontains=query) | Q(display_name__icontains=query))
        demo_users = list(users[:DEMO_USER_LIMIT])
    return render(
        request,
        "accounts/login.html",
        # siwe_dialog: the wallet dialog is also needed by a signed-in visitor
        # here, who may sign in with another wallet (base.html otherwise renders
        # it for anonymous visitors only).
        {"form": form, "next": next_url, "demo_users": demo_users, "query": query, "siwe_dialog": True},
    )


@require_GET
@login_required
def welcome_view(request: HttpRequest) -> HttpResponse:
    """The first page of a new account (the sign-in API sends first-time users here)."""
    return render(request, "accounts/welcome.html")


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    if isinstance(request.user, User) and request.session.session_key:
        # The bearer token issued with this browser's sign-in ends with the session.
        tokens_revoke_for_session(user=request.user, session_key=request.session.session_key)
    logout(request)
    messages.info(request, "You are signed out. See you soon.")
    return redirect("marketplace:home")
