"""REST views: sign in and out, passwords, API tokens."""
from __future__ import annotations

from django.contrib.auth import authenticate, login, logout, update_session_auth_hash
from django.middleware.csrf import get_token
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import ensure_csrf_cookie
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import permissions, serializers, status
from rest_framework.authentication import SessionAuthentication
from rest_framework.exceptions import NotAuthenticated, PermissionDenied
from rest_framework.exceptions import ValidationError as ApiValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from annotator import access, selectors
from annotator.api import serializers as s
from annotator.api.views.common import parse
from annotator.models import ApiToken
from annotator.password_gate import password_changed
from annotator.services import accounts as account_services

class CsrfView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(responses=inline_serializer("Csrf", {"csrf_token": serializers.CharField()}),
                   summary="Get a CSRF token (and cookie) before logging in from a browser")
    @method_decorator(ensure_csrf_cookie)
    def get(self, request):
        return Response({"csrf_token": get_token(request)})


def password_user(request, username: str, password: str, *, field: str = "non_field_errors",
                  message: str = "Wrong user name or password."):
    """The user these credentials sign in, or a 400 on `field`.

    Through django.contrib.auth.authenticate, so that django-axes counts a failure
    and refuses a locked-out caller (429), whichever endpoint the password came to.
    """
    user = authenticate(request, username=username, password=password)
    if user is None:
        raise ApiValidationError({field: [message]})
    return user


class LoginView(APIView):
    permission_classes = [permissions.AllowAny]

    @extend_schema(request=s.LoginIn, responses=s.UserOut,
                   summary="Session login (needs the CSRF token, like every browser write)")
    def post(self, request):
        SessionAuthentication().enforce_csrf(request)
        data = parse(s.LoginIn, request.data)
        user = password_user(request, data["username"], data["password"])
        login(request, user)
        return Response(s.UserOut(user).data)


class LogoutView(APIView):
    @extend_schema(request=None, responses={204: None},
                   summary="Sign out: with a token, revoke that token; with a session, end it")
    def post(self, request):
        if isinstance(request.auth, ApiToken):
            account_services.api_token_revoke(token=request.auth)
        else:
            logout(request)
        return Response(status=status.HTTP_204_NO_CONTENT)


class MeView(APIView):
    @extend_schema(responses=s.UserOut, summary="Who am I")
    def get(self, request):
        return Response(s.UserOut(request.user).data)


class PasswordView(APIView):
    @extend_schema(request=s.PasswordChangeIn, responses=s.PasswordChangedOut,
                   summary="Change my password: every API token of mine and every other "
                           "session of mine stop working")
    def post(self, request):
        data = parse(s.PasswordChangeIn, request.data)
        user = password_user(request, request.user.get_username(), data["current_password"],
                             field="current_password", message="is not your password.")
        revoked = account_services.account_password_change(user=user,
                                                           new_password=data["new_password"])
        if isinstance(request.successful_authenticator, SessionAuthentication):
            update_session_auth_hash(request, user)  # this session goes on; the others end
            password_changed(request)
        return Response(s.PasswordChangedOut({"tokens_revoked": revoked}).data)


def _tokens_out(request, tokens, serializer=s.TokenOut, **kwargs):
    context = {"now": timezone.now(), "current": request.auth}
    return serializer(tokens, context=context, **kwargs).data


class TokenView(APIView):
    # A script gets its first token with its user name and password: no sign-in needed.
    permission_classes = [permissions.AllowAny]

    @extend_schema(request=s.TokenCreateIn, responses={201: s.TokenCreatedOut},
                   summary="Make a new API token (my other tokens keep working): signed in, "
                           "or send username and password")
    def post(self, request):
        data = parse(s.TokenCreateIn, request.data)
        if "username" in data:
            user = password_user(request, data["username"], data["password"])
            if account_services.password_change_required(user):
                raise PermissionDenied(
                    "This account still has the one-time password an admin made for it: "
                    "sign in in the browser and choose your own password first.")
        elif request.user.is_authenticated:
            user = request.user
        else:
            raise NotAuthenticated("Sign in, or send your username and password.")
        token = account_services.api_token_create(user=user, name=data["name"],
                                                  expires_at=data["expires_at"])
        return Response(_tokens_out(request, token, s.TokenCreatedOut),
                        status=status.HTTP_201_CREATED)


TOKEN_ID = OpenApiParameter("token_id", OpenApiTypes.INT, OpenApiParameter.PATH)


class TokenListView(APIView):
    @extend_schema(responses=s.TokenOut(many=True),
                   summary="My API tokens, newest first (never their secrets)")
    def get(self, request):
        return Response(_tokens_out(request, selectors.api_token_list_for_user(
            user=request.user), many=True))


class TokenDetailView(APIView):
    @extend_schema(parameters=[TOKEN_ID], responses={204: None},
                   summary="Revoke one of my API tokens")
    def delete(self, request, token_id):
        account_services.api_token_revoke(token=access.access_api_token(request.user, token_id))
        return Response(status=status.HTTP_204_NO_CONTENT)
