"""Sign-in endpoints under /api/v1/auth/: nonce, login, logout and API tokens."""

from __future__ import annotations

import logging
import re
from typing import Any

from django.conf import settings
from django.contrib.auth import login, logout
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status, throttling
from rest_framework.authentication import SessionAuthentication
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import ErrorSerializer, signed_in_user
from marketplace.serializers import UserPublicSerializer
from wallets import services
from wallets.models import ApiToken

logger = logging.getLogger("wallets.signin")

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="The message cannot be read, or a field is malformed."),
    401: OpenApiResponse(
        ErrorSerializer,
        description="Refused: bad_signature, domain_mismatch, uri_mismatch, chain_mismatch, statement_mismatch, "
        "nonce_unknown, nonce_used, nonce_expired, nonce_session_mismatch, nonce_address_mismatch, expired, "
        "not_yet_valid, stale_issued_at, future_issued_at.",
    ),
    403: OpenApiResponse(ErrorSerializer, description="Cross-site request or CSRF token missing."),
    429: OpenApiResponse(ErrorSerializer, description="Too many attempts: wait and try again."),
}

_ADDRESS_LINE = re.compile(r"^(0x[0-9a-fA-F]{40})$", re.MULTILINE)


# --- throttles ------------------------------------------------------------------


class NonceRateThrottle(throttling.SimpleRateThrottle):
    """Nonces per client IP (the shared cache makes it hold across workers)."""

    scope = "siwe_nonce"

    def get_cache_key(self, request: Request, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LoginIpRateThrottle(throttling.SimpleRateThrottle):
    scope = "siwe_login"

    def get_cache_key(self, request: Request, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": f"ip:{self.get_ident(request)}"}


class LoginAddressRateThrottle(throttling.SimpleRateThrottle):
    """Sign-in attempts per signing address, whatever IP they come from."""

    scope = "siwe_login"

    def get_cache_key(self, request: Request, view: Any) -> str | None:
        message = request.data.get("message") if isinstance(request.data, dict) else None
        match = _ADDRESS_LINE.search(message) if isinstance(message, str) else None
        if match is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": f"address:{match.group(1).lower()}"}


# --- serializers ----------------------------------------------------------------


class NonceOutputSerializer(serializers.Serializer[Any]):
    nonce = serializers.CharField()
    issued_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    domain = serializers.CharField()
    uri = serializers.CharField()
    chain_id = serializers.IntegerField(help_text="The chain id to sign for (the first allowed one).")
    chain_ids = serializers.ListField(child=serializers.IntegerField(), help_text="Every allowed chain id.")
    statement = serializers.CharField()
    version = serializers.CharField()
    address = serializers.CharField(allow_null=True, help_text="The EIP-55 form of ?address=, if given.")
    message = serializers.CharField(
        allow_null=True, help_text="The exact EIP-4361 text to sign, if ?address= was given."
    )


class LoginInputSerializer(serializers.Serializer[Any]):
    message = serializers.CharField(max_length=4000, trim_whitespace=False)
    signature = serializers.RegexField(
        r"^0x[0-9a-fA-F]+$", max_length=4000, error_messages={"invalid": "The signature must be 0x-prefixed hex."}
    )


class LoginOutputSerializer(serializers.Serializer[Any]):
    token = serializers.CharField(help_text="Bearer token for API calls; shown only once.")
    expires_at = serializers.DateTimeField()
    user = UserPublicSerializer()
    created = serializers.BooleanField(help_text="True on the first sign-in of this address.")
    redirect = serializers.CharField(help_text="Where a browser should go next.")


class TokenOutputSerializer(serializers.ModelSerializer[ApiToken]):
    is_active = serializers.SerializerMethodField()

    class Meta:
        model = ApiToken
        fields = ["id", "name", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at", "is_active"]
        read_only_fields = fields

    def get_is_active(self, obj: ApiToken) -> bool:
        return obj.revoked_at is None and obj.expires_at > timezone.now()


class TokenCreateInputSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(max_length=100)


class TokenCreatedOutputSerializer(TokenOutputSerializer):
    token = serializers.CharField(help_text="The token itself: shown only now, store it safely.")

    class Meta(TokenOutputSerializer.Meta):
        fields = [*TokenOutputSerializer.Meta.fields, "token"]
        read_only_fields = fields


# --- helpers --------------------------------------------------------------------


def _is_browser(request: Request) -> bool:
    """A request that carries cookies or an Origin header comes from a browser,
    which must prove it is same-site (CSRF token and Origin)."""
    cookies = request.COOKIES
    return (
        settings.SESSION_COOKIE_NAME in cookies or settings.CSRF_COOKIE_NAME in cookies or "HTTP_ORIGIN" in request.META
    )


def _enforce_same_site(request: Request) -> None:
    """Browser sign-in cannot be driven cross-site: Django's CSRF check (token and
    Origin/Referer against CSRF_TRUSTED_ORIGINS) applies to every browser request."""
    if _is_browser(request):
        SessionAuthentication().enforce_csrf(request)


def _session_key(request: Request) -> str:
    return request.session.session_key or ""


# --- views ----------------------------------------------------------------------


class NonceApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [NonceRateThrottle]

    @extend_schema(
        operation_id="auth_nonce",
        summary="Get a sign-in nonce (and the message to sign)",
        description="Everything a client needs to build the EIP-4361 message. With `?address=` (any case) the "
        "response also has the EIP-55 address and the exact message to sign. The nonce is single-use, expires "
        "after SIWE_NONCE_TTL_SECONDS, and is bound to the browser session when the request has one.",
        parameters=[OpenApiParameter("address", str, description="The wallet address that will sign (optional).")],
        responses={200: NonceOutputSerializer, 400: ERRORS[400], 429: ERRORS[429]},
        auth=[],
    )
    def get(self, request: Request) -> Response:
        session_key = ""
        if _is_browser(request):
            # Bind the nonce to this browser: writing to the session creates it
            # (and its cookie) if the visitor has none yet.
            request.session["siwe_nonce_requested"] = True
            request.session.save()
            session_key = _session_key(request)
        issued = services.nonce_issue(session_key=session_key, address=request.query_params.get("address") or None)
        policy = services.site_policy()
        return Response(
            NonceOutputSerializer(
                {
                    "nonce": issued.nonce.value,
                    "issued_at": issued.nonce.issued_at,
                    "expires_at": issued.nonce.expires_at,
                    "domain": policy.domain,
                    "uri": policy.uri,
                    "chain_id": settings.SIWE_CHAIN_IDS[0],
                    "chain_ids": settings.SIWE_CHAIN_IDS,
                    "statement": policy.statement,
                    "version": "1",
                    "address": issued.address,
                    "message": issued.message,
                }
            ).data,
            headers={"Cache-Control": "no-store"},
        )


class LoginApi(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[Any] = []
    throttle_classes = [LoginIpRateThrottle, LoginAddressRateThrottle]

    @extend_schema(
        operation_id="auth_login",
        summary="Sign in with a signed EIP-4361 message",
        description="Verifies the message against this site (domain, URI, chain id, statement, time window, "
        "single-use nonce) and the signature (EIP-191, or ERC-1271 for contract wallets when EVM_RPC_URL is "
        "set). Returns a bearer token and logs the browser session in (session key and CSRF token rotated).",
        request=LoginInputSerializer,
        responses={200: LoginOutputSerializer, **ERRORS},
        auth=[],
    )
    def post(self, request: Request) -> Response:
        _enforce_same_site(request)
        serializer = LoginInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            signin = services.siwe_login(
                message=serializer.validated_data["message"],
                signature=serializer.validated_data["signature"],
                session_key=_session_key(request),
            )
        except services.SignInError as exc:
            logger.info("sign-in refused code=%s ip=%s", exc.code, request.META.get("REMOTE_ADDR"))
            raise
        # login() rotates the session key and the CSRF token.
        login(request._request, signin.user, backend="django.contrib.auth.backends.ModelBackend")
        new_token = services.token_create(
            user=signin.user,
            name=_token_name(request),
            session_key=_session_key(request),
        )
        logger.info("sign-in ok user=%s created=%s", signin.user.pk, signin.created)
        redirect = reverse("accounts:welcome") if signin.created else reverse("marketplace:dashboard")
        return Response(
            LoginOutputSerializer(
                {
                    "token": new_token.raw,
                    "expires_at": new_token.token.expires_at,
                    "user": signin.user,
                    "created": signin.created,
                    "redirect": redirect,
                }
            ).data,
            headers={"Cache-Control": "no-store"},
        )


def _token_name(request: Request) -> str:
    agent = request.META.get("HTTP_USER_AGENT", "")[:60]
    return f"Sign-in from {agent}" if agent else "Sign-in"


class LogoutApi(APIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="auth_logout",
        summary="Sign out",
        description="With a bearer token: revokes that token. With a browser session: ends it and revokes the "
        "tokens it made. Idempotent.",
        request=None,
        responses={204: None, 401: OpenApiResponse(ErrorSerializer, description="The bearer token is not valid.")},
    )
    def post(self, request: Request) -> Response:
        user = request.user
        if isinstance(request.auth, ApiToken):
            services.token_revoke(token_id=request.auth.pk, user=request.auth.user)
        elif user.is_authenticated:
            services.tokens_revoke_for_session(user=signed_in_user(request), session_key=_session_key(request))
            logout(request._request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class TokenListApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="auth_tokens_list",
        summary="Your API tokens",
        responses={200: TokenOutputSerializer(many=True), 401: ERRORS[401]},
    )
    def get(self, request: Request) -> Response:
        tokens = ApiToken.objects.filter(user=signed_in_user(request))
        return Response(TokenOutputSerializer(tokens, many=True).data)

    @extend_schema(
        operation_id="auth_tokens_create",
        summary="Make another API token (e.g. for a script)",
        request=TokenCreateInputSerializer,
        responses={201: TokenCreatedOutputSerializer, 400: ERRORS[400], 401: ERRORS[401]},
    )
    def post(self, request: Request) -> Response:
        serializer = TokenCreateInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        new = services.token_create(user=signed_in_user(request), name=serializer.validated_data["name"])
        data = TokenOutputSerializer(new.token).data
        return Response({**data, "token": new.raw}, status=status.HTTP_201_CREATED)


class TokenDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        operation_id="auth_tokens_destroy",
        summary="Revoke one of your API tokens",
        responses={204: None, 401: ERRORS[401], 404: OpenApiResponse(ErrorSerializer)},
    )
    def delete(self, request: Request, pk: int) -> Response:
        services.token_revoke(token_id=pk, user=signed_in_user(request))
        return Response(status=status.HTTP_204_NO_CONTENT)
