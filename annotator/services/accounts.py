"""Accounts: API tokens, password changes, invitations and one-time passwords.

A token's secret is shown once, when it is made; the database keeps its SHA-256
(models.ApiToken says why that is enough). Making a token never touches the
user's other tokens; a password change revokes all of them.
"""
from __future__ import annotations

import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from annotator.errors import Conflict
from annotator.models import ApiToken, Membership, PasswordChangeRequired, Role

log = logging.getLogger(__name__)
SECRET_BYTES = 32
PREFIX_LENGTH = 8
# last_used_at is a hint for people deciding which token to revoke, not an audit log:
# written at most once a minute per token, so that a busy script is not a write per request.
LAST_USED_RESOLUTION = timedelta(minutes=1)
# A script that makes a token per run without revoking them fills the list; this bounds it.
MAX_ACTIVE_TOKENS = 100
MAX_LIFETIME = timedelta(days=10 * 366)


def token_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def _active(now: datetime) -> Q:
    return Q(revoked_at__isnull=True) & (Q(expires_at__isnull=True) | Q(expires_at__gt=now))


@transaction.atomic
def api_token_create(*, user: AbstractBaseUser, name: str,
                     expires_at: datetime | None = None) -> ApiToken:
    """A new token of the user; the returned object alone carries `.secret` (never stored)."""
    now = timezone.now()
    if expires_at is not None and expires_at <= now:
        raise ValidationError({"expires_at": "must be in the future."})
    if expires_at is not None and expires_at > now + MAX_LIFETIME:
        raise ValidationError({"expires_at": "may be at most ten years from now (or leave it "
                                             "out: a token without expiry)."})
    # Counted under a lock on the user's row: two requests at once cannot both pass.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if ApiToken.objects.filter(_active(now), user=user).count() >= MAX_ACTIVE_TOKENS:
        raise Conflict(f"You have {MAX_ACTIVE_TOKENS} active tokens: revoke one you no longer "
                       "use first.", code="too_many_tokens")
    secret = secrets.token_urlsafe(SECRET_BYTES)
    token = ApiToken.objects.create(user=user, name=name, prefix=secret[:PREFIX_LENGTH],
                                    digest=token_digest(secret), created_at=now,
                                    expires_at=expires_at)
    token.secret = secret
    return token


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    """Revoke one token (revoking a revoked one changes nothing, and keeps its date)."""
    if token.revoked_at is None:
        now = timezone.now()
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(revoked_at=now)
        token.refresh_from_db(fields=["revoked_at"])
    return token


def api_tokens_revoke_for_user(*, user: AbstractBaseUser) -> int:
    """Revoke every token of the user that still works; return how many."""
    now = timezone.now()
    return ApiToken.objects.filter(_active(now), user=user).update(revoked_at=now)


def api_token_mark_used(*, token: ApiToken, now: datetime) -> None:
    """Record a use, unless one was recorded less than LAST_USED_RESOLUTION ago.

    Decided on the row already read (no query at all most of the time); the
    conditional UPDATE keeps two processes from both writing the same minute.
    """
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_RESOLUTION:
        return
    ApiToken.objects.filter(
        Q(last_used_at__isnull=True) | Q(last_used_at__lte=now - LAST_USED_RESOLUTION),
        pk=token.pk).update(last_used_at=now)
    token.last_used_at = now


@transaction.atomic
def account_password_change(*, user: AbstractBaseUser, new_password: str) -> int:
    """Set a new password (the validators apply) and revoke every API token of the user;
    return how many were revoked.

    Sessions need no revoking: each one carries a hash of the password it signed in
    with, and Django ends a session whose hash no longer matches. The caller keeps
    its own session with update_session_auth_hash.
    """
    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.messages}) from None
    user.set_password(new_password)
    user.save(update_fields=["password"])
    PasswordChangeRequired.objects.filter(user=user).delete()  # their own password now
    return api_tokens_revoke_for_user(user=user)


def password_change_required(user) -> bool:
    """Does this user still sign in with a password someone else chose for them?"""
    return PasswordChangeRequired.objects.filter(user_id=user.pk).exists()


# --- Accounts made by project admins: invitations and one-time passwords ----------------
# An invited account has no usable password until its owner sets one through the
# link (Django's PasswordResetTokenGenerator: signed with SECRET_KEY over the
# password hash and last login, so one use and the link is dead, and it expires after
# PASSWORD_RESET_TIMEOUT). A one-time password is generated here, returned once on
# the object (`.one_time_password`) and only its hash is stored, like any password.

ONE_TIME_PASSWORD_BYTES = 12
USERNAME_RULE = r"[\w.@+-]{1,150}"


@dataclass
class Invitation:
    user: AbstractBaseUser
    created: bool         # the account was made now
    url: str | None       # the set-password link, when the inviting admin may see it
    sent: bool            # the e-mail went out


def _username_from_email(email: str) -> str:
    """A free user name made of the address's local part (ann, ann-2, ann-3, ...)."""
    users = get_user_model().objects
    base = re.sub(r"[^\w.+-]", "", email.split("@", 1)[0])[:140] or "user"
    name, n = base, 1
    while users.filter(username__iexact=name).exists():
        n += 1
        name = f"{base}-{n}"
    return name


def email_check(email) -> str:
    try:
        validate_email(email)
    except ValidationError:
        raise ValidationError({"email": "is not an e-mail address."}) from None
    return get_user_model().objects.normalize_email(email.strip())


def set_password_path(user) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("set-password", kwargs={"uidb64": uid,
                                           "token": default_token_generator.make_token(user)})


@transaction.atomic
def account_invite(*, email: str, invited_by, project_name: str,
                   base_url: str) -> Invitation:
    """The account of this address, made if none exists, and its set-password link.

    The URL (also sent by e-mail) is only made for an account that has never had a
    password: anyone else already signs in, and a link to set *their* password must
    not reach an admin.
    """
    email = email_check(email)
    users = get_user_model().objects
    matches = list(users.select_for_update().filter(email__iexact=email)[:2])
    if len(matches) > 1:
        raise ValidationError({"email": "several accounts have this address: add the one you "
                                        "mean by its user name."})
    created = not matches
    if created:
        user = users.create_user(username=_username_from_email(email), email=email)
        user.set_unusable_password()
        user.save(update_fields=["password"])
    else:
        user = matches[0]
    if not created and (user.has_usable_password() or user.last_login is not None):
        return Invitation(user=user, created=False, url=None, sent=False)
    url = base_url + set_password_path(user)
    try:
        sent = bool(send_mail(
            subject=f"You are invited to {project_name}",
            message=(f"{invited_by.get_username()} invited you to the annotation project "
                     f"“{project_name}”.\n\nYour user name is {user.get_username()}. Choose "
                     f"your password here:\n{url}\n\nThe link works once and expires in "
                     f"{max(1, settings.PASSWORD_RESET_TIMEOUT // 86400)} day(s)."),
            from_email=None, recipient_list=[email], fail_silently=False))
    except OSError:  # smtplib's errors are OSErrors; no mail server: the page shows the link
        log.warning("invitation mail to user %s not sent", user.pk, exc_info=True)
        sent = False
    # Shown to the inviting admin (to pass on by hand on a closed network) only if the
    # account is in no project of someone else's: the link signs in as that account.
    theirs = Membership.objects.filter(user=invited_by, role=Role.ADMIN).values("project")
    shown = created or not Membership.objects.filter(user=user).exclude(
        project__in=theirs).exists()
    return Invitation(user=user, created=created, url=url if shown else None, sent=sent)


def account_create_with_password(*, username: str, email: str = "") -> AbstractBaseUser:
    """A new account with a generated password, returned once on `.one_time_password`."""
    users = get_user_model().objects
    if not isinstance(username, str) or not re.fullmatch(USERNAME_RULE, username):
        raise ValidationError({"username": "use 1 to 150 letters, digits and @ . + - _."})
    if email:
        email = email_check(email)
    password = secrets.token_urlsafe(ONE_TIME_PASSWORD_BYTES)
    try:
        with transaction.atomic():
            if users.filter(username__iexact=username).exists():
                raise IntegrityError
            user = users.create_user(username=username, email=email, password=password)
            # The admin who made it knows this password: its owner chooses another first.
            PasswordChangeRequired.objects.create(user=user)
    except IntegrityError:
        raise ValidationError({"username": "another account has this user name: add it "
                                           "as an existing user instead."}) from None
    user.one_time_password = password
    return user
