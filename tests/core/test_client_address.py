"""The client address (core.ratelimit.client_address): REMOTE_ADDR by default, whatever the
client sends in X-Forwarded-For; behind reverse proxies the entry the trusted proxies wrote, or
the header the proxy sets. Per-client limits count an IPv6 client by its /64."""

import pytest
from django.test import RequestFactory

from onewindow.core.ratelimit import address_key, client_address
from tests.openapi import ApiClient

PROXY = "10.0.0.2"


def request(**meta):
    return RequestFactory().get("/", REMOTE_ADDR=PROXY, **meta)


def test_by_default_forwarded_headers_are_ignored():
    forged = request(HTTP_X_FORWARDED_FOR="203.0.113.9", HTTP_X_REAL_IP="203.0.113.9")

    assert client_address(forged) == PROXY


def test_one_trusted_proxy_gives_the_address_it_appended(settings):
    settings.ONEWINDOW_TRUSTED_PROXIES = 1

    # The client wrote the first entry itself; our proxy appended the second.
    forged = request(HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.7")

    assert client_address(forged) == "198.51.100.7"


def test_two_trusted_proxies_give_the_second_entry_from_the_right(settings):
    settings.ONEWINDOW_TRUSTED_PROXIES = 2

    chained = request(HTTP_X_FORWARDED_FOR="1.2.3.4,198.51.100.7, 10.0.0.1")

    assert client_address(chained) == "198.51.100.7"


def test_fewer_entries_than_trusted_proxies_or_garbage_count_under_the_proxy(settings):
    settings.ONEWINDOW_TRUSTED_PROXIES = 2

    assert client_address(request(HTTP_X_FORWARDED_FOR="198.51.100.7")) == PROXY
    assert client_address(request()) == PROXY
    assert client_address(request(HTTP_X_FORWARDED_FOR="evil, 10.0.0.1")) == PROXY


def test_a_header_set_by_the_proxy(settings):
    settings.ONEWINDOW_CLIENT_ADDRESS_HEADER = "X-Real-IP"

    assert client_address(request(HTTP_X_REAL_IP="2001:db8::7")) == "2001:db8::7"
    assert client_address(request(HTTP_X_REAL_IP="not an address")) == PROXY
    assert client_address(request()) == PROXY
    # The header wins over X-Forwarded-For, which is not read then.
    assert client_address(request(HTTP_X_FORWARDED_FOR="1.2.3.4")) == PROXY


def test_no_address_is_none():
    assert client_address(RequestFactory().get("/", REMOTE_ADDR="")) is None


def test_an_ipv6_client_counts_by_its_64_network():
    assert address_key("2001:db8:1:2::5") == address_key("2001:db8:1:2:ffff::1")
    assert address_key("2001:db8:1:2::5") == "2001:db8:1:2::/64"
    assert address_key("2001:db8:1:3::5") != address_key("2001:db8:1:2::5")
    assert address_key("::ffff:192.0.2.1") == address_key("192.0.2.1") == "192.0.2.1"
    assert address_key(None) == "unknown"


# --- through the progress query's per-address limit ---------------------------------------------


@pytest.fixture
def api(client, settings):
    settings.ONEWINDOW_PROGRESS_LOOKUPS_PER_MINUTE = 1
    return ApiClient(client).as_user(None)


def lookup(api, forwarded):
    return api.client.get(
        "/api/cases/progress",
        {"number": "44130399999999999999", "secret": "0000"},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


@pytest.mark.django_db
def test_by_default_clients_behind_one_proxy_share_a_limit(api, still_clock):
    assert lookup(api, "198.51.100.1").status_code == 404
    # Another X-Forwarded-For does not make another client.
    assert lookup(api, "198.51.100.2").status_code == 429


@pytest.mark.django_db
def test_with_a_trusted_proxy_each_forwarded_client_has_its_own_limit(api, settings, still_clock):
    settings.ONEWINDOW_TRUSTED_PROXIES = 1

    assert lookup(api, "198.51.100.1").status_code == 404
    assert lookup(api, "198.51.100.2").status_code == 404
    assert lookup(api, "198.51.100.1").status_code == 429
    # A forged entry in front of the proxy's does not escape the limit.
    assert lookup(api, "203.0.113.50, 198.51.100.1").status_code == 429
