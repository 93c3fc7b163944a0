"""The address the login lockout counts: X-Forwarded-For is believed for TRUSTED_PROXY_COUNT
proxies only (config/security.client_ip)."""
from __future__ import annotations

import pytest
from django.test import RequestFactory

from config.security import client_ip

PROXY = "10.9.9.9"  # REMOTE_ADDR: the nearest proxy, or the caller when there is none


def address(settings, proxies: int, forwarded: str | None) -> str | None:
    settings.TRUSTED_PROXY_COUNT = proxies
    extra = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    return client_ip(RequestFactory().get("/", REMOTE_ADDR=PROXY, **extra))


@pytest.mark.parametrize("forwarded", [None, "198.51.100.7", "6.6.6.6, 198.51.100.7"])
def test_address_is_remote_addr_when_no_proxy_is_trusted(settings, forwarded):
    assert address(settings, 0, forwarded) == PROXY


@pytest.mark.parametrize("proxies,forwarded,client", [
    (1, "198.51.100.7", "198.51.100.7"),
    # What is left of the trusted proxies' entries was written by the client: not believed.
    (1, "6.6.6.6, 198.51.100.7", "198.51.100.7"),
    (2, "6.6.6.6, 198.51.100.7, 10.0.0.2", "198.51.100.7"),
    (3, "6.6.6.6, 198.51.100.7, 10.0.0.2, 10.0.0.3", "198.51.100.7"),
    # A private client address behind the proxy is the client's, not the proxy's.
    (1, "192.168.1.20", "192.168.1.20"),
    (1, "2001:db8::5", "2001:db8::5"),
    # A port or IPv6 brackets are not part of the address.
    (1, "198.51.100.7:50123", "198.51.100.7"),
    (1, "[2001:db8::5]:443", "2001:db8::5"),
    # Junk the client wrote before the proxy's entry is dropped, not stored.
    (1, "not-an-address, 198.51.100.7", "198.51.100.7"),
])
def test_address_is_the_nth_from_the_right_when_n_proxies_are_trusted(settings, proxies,
                                                                     forwarded, client):
    assert address(settings, proxies, forwarded) == client


@pytest.mark.parametrize("forwarded", [None, "", "not-an-address",
                                       # fewer entries than trusted proxies: not through all
                                       "198.51.100.7"])
def test_address_is_remote_addr_when_the_header_is_missing_or_too_short(settings, forwarded):
    assert address(settings, 2 if forwarded == "198.51.100.7" else 1, forwarded) == PROXY
