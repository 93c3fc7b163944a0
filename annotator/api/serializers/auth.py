"""Serializers of signing in, API tokens and passwords."""
from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from annotator.models import TokenStatus


class LoginIn(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=1000, trim_whitespace=False,
                                     style={"input_type": "password"})


class UserOut(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    is_staff = serializers.BooleanField()


class TokenCreateIn(serializers.Serializer):
    """A new token: signed in, or with `username` and `password` (a script's first token)."""
    name = serializers.CharField(max_length=100, default="API token",
                                 help_text="What the token is for (a script, a machine).")
    expires_at = serializers.DateTimeField(required=False, allow_null=True, default=None,
                                           help_text="When it stops working; none: never.")
    username = serializers.CharField(max_length=150, required=False)
    password = serializers.CharField(max_length=1000, required=False, trim_whitespace=False,
                                     style={"input_type": "password"})

    def validate(self, data):
        for given, missing in (("username", "password"), ("password", "username")):
            if given in data and missing not in data:
                raise serializers.ValidationError({missing: [f"send it with the {given}."]})
        return data


class TokenOut(serializers.Serializer):
    """A token as listed: never its secret. Context: `now`, and `current` (request.auth)."""
    id = serializers.IntegerField()
    name = serializers.CharField()
    prefix = serializers.CharField(help_text="The secret's first characters, to tell tokens "
                                             "apart.")
    status = serializers.SerializerMethodField()
    current = serializers.SerializerMethodField(help_text="This request was sent with it.")
    created_at = serializers.DateTimeField()
    last_used_at = serializers.DateTimeField(allow_null=True,
                                             help_text="To the minute, not finer.")
    expires_at = serializers.DateTimeField(allow_null=True)
    revoked_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(serializers.ChoiceField(choices=TokenStatus.choices))
    def get_status(self, token) -> str:
        return token.status_at(self.context["now"])

    def get_current(self, token) -> bool:
        return getattr(self.context.get("current"), "pk", None) == token.pk


class TokenCreatedOut(TokenOut):
    token = serializers.CharField(source="secret",
                                  help_text="Send as `Authorization: Token <token>`. Shown this "
                                            "once: only a hash of it is stored.")


class PasswordChangeIn(serializers.Serializer):
    current_password = serializers.CharField(max_length=1000, trim_whitespace=False,
                                             style={"input_type": "password"})
    new_password = serializers.CharField(max_length=1000, trim_whitespace=False,
                                         style={"input_type": "password"})


class PasswordChangedOut(serializers.Serializer):
    tokens_revoked = serializers.IntegerField(help_text="API tokens of yours that stopped "
                                                        "working.")
