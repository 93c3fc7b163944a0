"""Settings for the test suite: the real settings, with a throwaway secret.

DATABASE_URL and CELERY_BROKER_URL come from the environment as usual: the
Makefile runs the suite once on SQLite and once on PostgreSQL + Redis.
"""
import os
import secrets

os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("SECURE_COOKIES", "false")  # the test servers speak plain http

from .settings import *  # noqa: E402,F401,F403

# Fast hashing: tests create many users; production keeps Django's default.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
