"""Per-address limits count the real client: X-Forwarded-For only from trusted proxies."""

import ipaddress

import pytest
from django.test import Client, RequestFactory

from caching.ratelimit import client_address


def address(remote, forwarded=None):
    headers = {} if forwarded is None else {"HTTP_X_FORWARDED_FOR": forwarded}
    return client_address(RequestFactory().get("/", REMOTE_ADDR=remote, **headers))


@pytest.fixture
def behind_proxies(settings):
    settings.TRUSTED_PROXIES = [
        ipaddress.ip_network("127.0.0.1/32"),
        ipaddress.ip_network("10.1.0.0/16"),
    ]


def test_without_trusted_proxies_the_header_is_ignored():
    assert address("203.0.113.7", "198.51.100.1") == "203.0.113.7"


def test_a_header_from_an_untrusted_sender_is_ignored(behind_proxies):
    assert address("203.0.113.7", "198.51.100.1") == "203.0.113.7"


def test_a_trusted_proxy_names_the_client(behind_proxies):
    assert address("127.0.0.1", "198.51.100.1") == "198.51.100.1"


def test_the_header_is_read_from_the_right_past_trusted_proxies_only(behind_proxies):
    # The client wrote "1.2.3.4" itself; the load balancer (10.1.2.3) saw 198.51.100.1.
    assert address("127.0.0.1", "1.2.3.4, 198.51.100.1, 10.1.2.3") == "198.51.100.1"


def test_nonsense_from_a_trusted_proxy_is_one_bucket(behind_proxies):
    assert address("127.0.0.1", "not-an-address") == "unknown"
    assert address("127.0.0.1", "") == "127.0.0.1"


@pytest.mark.django_db
def test_a_spoofed_header_does_not_buy_more_sign_ups(settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "signup": 2}
    codes = []
    for n in range(3):
        client = Client(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}")
        response = client.post(
            "/accounts/signup/",
            {
                "username": f"reader{n}",
                "email": f"reader{n}@example.com",
                "password1": "a-Long-passw0rd",
                "password2": "a-Long-passw0rd",
            },
        )
        codes.append(response.status_code)
    assert codes == [302, 302, 429]
