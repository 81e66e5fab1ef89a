"""The offline geo-IP lookup answers from a real IP database, with no network."""

import socket

import pytest

from permissions.geoip import country_of_ip


@pytest.mark.parametrize(
    ("address", "country"),
    [
        ("8.8.8.8", "US"),  # Google Public DNS
        ("2001:4860:4860::8888", "US"),  # the same over IPv6
        ("212.58.244.22", "GB"),  # BBC
        ("193.0.6.139", "NL"),  # RIPE NCC, Amsterdam
        ("175.45.176.1", "KP"),  # Star JV, Pyongyang
        ("::ffff:8.8.8.8", "US"),  # IPv4-mapped IPv6, as dual-stack sockets report it
    ],
)
def test_public_addresses_resolve_to_their_country(address, country):
    assert country_of_ip(address) == country


@pytest.mark.parametrize(
    "address", ["127.0.0.1", "10.0.0.1", "192.168.1.1", "::1", "fe80::1", "", None, "nonsense"]
)
def test_private_or_bad_addresses_are_unknown(address):
    assert country_of_ip(address) is None


def test_lookup_makes_no_network_call(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("network call at lookup time")

    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    assert country_of_ip("8.8.8.8") == "US"
