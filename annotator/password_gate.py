"""One-time passwords are for one sign-in: until its owner chooses their own password, a
session signed in with one reaches only the page that changes it (and signing out).

The flag rides in the session, set when the user signs in (the `user_logged_in` signal,
one query then), so no other request pays a query for it. Pages redirect to the password
page; the API answers 403 with code `password_change_required`, but for
/api/auth/password/, where a script changes it. A token cannot be made with a one-time
password (api/views/auth.py asks `password_change_required`).
"""
from __future__ import annotations

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from annotator.services.accounts import password_change_required

SESSION_KEY = "password_change_required"
MESSAGE = ("Choose your own password first: this account still has the one-time password "
           "an admin made for it.")


@receiver(user_logged_in, dispatch_uid="annotator.password_gate")
def _remember_on_sign_in(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        if password_change_required(user):
            request.session[SESSION_KEY] = True
        else:
            request.session.pop(SESSION_KEY, None)


def password_changed(request) -> None:
    """The session's owner chose their password: let it go everywhere again."""
    request.session.pop(SESSION_KEY, None)


class PasswordChangeRequiredMiddleware:
    """After django.contrib.auth's AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.open = None  # the paths a flagged session may reach, once URLs are loaded

    def __call__(self, request):
        session = getattr(request, "session", None)
        if session is not None and session.session_key and session.get(SESSION_KEY):
            if self.open is None:
                self.open = {reverse("password-change"), reverse("logout"),
                             reverse("auth-password"), reverse("health")}
            path = request.path_info
            if path not in self.open and not path.startswith("/static/"):
                if path.startswith("/api/"):
                    return JsonResponse({"detail": MESSAGE, "code": SESSION_KEY}, status=403)
                return redirect(reverse("password-change") + "?"
                                + urlencode({"next": request.get_full_path()}))
        return self.get_response(request)
