"""/api/v1/tokens/: a client logs in once with a username and password to get a personal token (under the login
lockout, as every login is); its owner lists and revokes their tokens. award.accounts.tokens makes the rules."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from api.throttling import PerAddress
from audit.models import Source
from award.accounts.tokens import DEFAULT_DAYS, MAX_DAYS, token_create, token_revoke, token_state, tokens_of
from award.models import ApiToken, ApiTokenScope


class TokenSerializer(serializers.ModelSerializer[ApiToken]):
    state = serializers.SerializerMethodField(help_text=gettext_lazy("active, expired or revoked"))

    class Meta:
        model = ApiToken
        fields = ["id", "name", "scopes", "hint", "state", "created_at", "expires_at", "last_used_at", "revoked_at"]
        read_only_fields = fields

    def get_state(self, token: ApiToken) -> str:
        return token_state(token)


class NewTokenSerializer(TokenSerializer):
    token = serializers.CharField(help_text=gettext_lazy("The secret: shown this once, never again."))

    class Meta(TokenSerializer.Meta):
        fields = [*TokenSerializer.Meta.fields, "token"]
        read_only_fields = fields


class TokenRequestSerializer(serializers.Serializer[Any]):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, style={"input_type": "password"})
    name = serializers.CharField(max_length=100, help_text=gettext_lazy("What the token is for."))
    scopes = serializers.ListField(
        child=serializers.ChoiceField(choices=ApiTokenScope.choices), min_length=1, max_length=2, default=[ApiTokenScope.READ]
    )
    expires_in_days = serializers.IntegerField(min_value=1, max_value=MAX_DAYS, default=DEFAULT_DAYS)


class TokenListView(APIView):
    @extend_schema(
        operation_id="tokens_list",
        summary="Your API tokens",
        description="Every token of the calling account, newest first; revoked and expired ones too. Never the secrets.",
        responses={200: TokenSerializer(many=True)},
        examples=[
            OpenApiExample(
                "Two tokens",
                response_only=True,
                value=[
                    {
                        "id": 7,
                        "name": "Kari's phone",
                        "scopes": ["read", "write"],
                        "hint": "x9Qe",
                        "state": "active",
                        "created_at": "2021-02-01T08:00:00+01:00",
                        "expires_at": "2021-05-02T08:00:00+02:00",
                        "last_used_at": "2021-02-03T10:15:00+01:00",
                        "revoked_at": None,
                    },
                    {
                        "id": 3,
                        "name": "Old laptop",
                        "scopes": ["read"],
                        "hint": "bT0w",
                        "state": "revoked",
                        "created_at": "2021-01-04T09:00:00+01:00",
                        "expires_at": "2021-04-04T09:00:00+02:00",
                        "last_used_at": None,
                        "revoked_at": "2021-01-20T16:30:00+01:00",
                    },
                ],
            )
        ],
        tags=["tokens"],
    )
    def get(self, request: Request) -> Response:
        return Response(TokenSerializer(tokens_of(owner=cast(User, request.user)), many=True).data)

    @extend_schema(
        operation_id="tokens_create",
        summary="Get a personal API token",
        description=(
            "Log in with a username and password and get a new token of that account, with the scopes asked for. "
            "Failed attempts count towards the login lockout (429 with Retry-After once locked)."
        ),
        request=TokenRequestSerializer,
        responses={201: NewTokenSerializer},
        examples=[
            OpenApiExample(
                "A judge's phone",
                value={
                    "username": "kari",
                    "password": "…",  # nosec B105  # an example in the docs, no password
                    "name": "Kari's phone",
                    "scopes": ["read", "write"],
                    "expires_in_days": 90,
                },
                request_only=True,
            )
        ],
        auth=[],
        extensions={"x-errors": ["401", "429"]},  # wrong credentials; throttled, or locked out
        tags=["tokens"],
    )
    def post(self, request: Request) -> Response:
        given = TokenRequestSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        values = given.validated_data
        # The site's login backends, axes first: a failure is counted, a locked-out account or address is refused
        # (and axes' middleware answers 429: award/accounts/lockout.py).
        user = authenticate(request._request, username=values["username"], password=values["password"])
        if user is None or not user.is_active:
            raise exceptions.AuthenticationFailed(_("Wrong username or password."))
        new = token_create(
            owner=user,
            name=values["name"],
            scopes=values["scopes"],
            days=values["expires_in_days"],
            user=user,
            source=Source.API,
        )
        data = {**TokenSerializer(new.token).data, "token": new.secret}
        return Response(data, status=status.HTTP_201_CREATED)

    def get_permissions(self) -> Any:
        if self.request.method == "POST":
            return [AllowAny()]  # the credentials are in the body
        return super().get_permissions()

    def get_throttles(self) -> list[Any]:
        if self.request.method == "POST":
            return [PerAddress()]
        return super().get_throttles()


class TokenDetailView(APIView):
    @extend_schema(
        operation_id="tokens_revoke",
        summary="Revoke one of your tokens",
        description="For good: from now on the token is refused (401). It stays in the list, revoked. Another account's "
        "token is not found (404).",
        responses={204: None},
        tags=["tokens"],
    )
    def delete(self, request: Request, pk: int) -> Response:
        token = ApiToken.objects.filter(pk=pk, user=cast(User, request.user)).first()
        if token is None:
            raise exceptions.NotFound()
        token_revoke(token=token, user=cast(User, request.user), source=Source.API)
        return Response(status=status.HTTP_204_NO_CONTENT)
