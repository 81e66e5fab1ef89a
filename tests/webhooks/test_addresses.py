"""The SSRF guard: private, loopback, link-local and reserved addresses refused, at
registration and again at delivery after DNS resolution (the resolver is injected);
nothing is sent to a refused address."""

import pytest

from events.models import EventType
from events.services import event_record
from webhooks.addresses import EndpointRefused, target_resolve
from webhooks.models import DeliveryAttempt
from webhooks.services import deliveries_send_due, endpoint_create, events_fan_out

pytestmark = pytest.mark.django_db

REFUSED = [
    "10.0.0.1",
    "172.16.5.4",
    "192.168.1.1",
    "127.0.0.1",
    "127.8.9.10",
    "169.254.169.254",  # cloud metadata
    "100.64.0.1",  # shared address space
    "0.0.0.0",  # noqa: S104  the unspecified address, refused
    "224.0.0.1",
    "240.0.0.1",  # reserved
    "::1",
    "fe80::1",
    "fc00::1",
    "::ffff:127.0.0.1",  # IPv4-mapped loopback
    "::ffff:10.0.0.1",
    "::",
    "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
    "64:ff9b::a9fe:a9fe",  # NAT64 of 169.254.169.254
    "64:ff9b:1::a00:1",  # NAT64 local-use prefix
    "2002:a00:1::1",  # 6to4 of 10.0.0.1
    "2002:7f00:1::",  # 6to4 of 127.0.0.1
    "::10.0.0.1",  # IPv4-compatible (deprecated) form
]
# Public IPv4 behind the same IPv6 forms stays allowed.
ALLOWED = ["93.184.216.34", "2606:2800:220:1::", "64:ff9b::5db8:d822", "2002:5db8:d822::1"]


def _resolver(*addresses):
    def resolve(host, port):
        return list(addresses)

    return resolve


@pytest.fixture(autouse=True)
def _guarded(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False


@pytest.mark.parametrize("address", REFUSED)
def test_a_private_address_is_refused_as_a_literal_and_as_a_name(address):
    literal = f"[{address}]" if ":" in address else address
    with pytest.raises(EndpointRefused):
        target_resolve(f"https://{literal}/hook")
    with pytest.raises(EndpointRefused):
        target_resolve("https://hooks.example.com/hook", resolve=_resolver(address))


@pytest.mark.parametrize("address", ALLOWED)
def test_a_public_address_is_allowed_in_any_form(address):
    target = target_resolve("https://hooks.example.com/hook", resolve=_resolver(address))
    assert target.address == address


def test_a_name_is_refused_when_any_of_its_addresses_is_private():
    with pytest.raises(EndpointRefused):
        target_resolve("https://hooks.example.com/", resolve=_resolver("93.184.216.34", "10.0.0.1"))


def test_a_public_address_is_the_one_connected_to_with_the_name_kept():
    target = target_resolve(
        "https://hooks.example.com:8443/in?x=1", resolve=_resolver("93.184.216.34")
    )
    assert (target.host, target.port) == ("hooks.example.com", 8443)
    assert target.address == "93.184.216.34"


@pytest.mark.parametrize(
    "url",
    [
        "http://hooks.example.com/",  # plain http
        "ftp://hooks.example.com/",
        "https://user:pass@hooks.example.com/",
        "https:///nohost",
        "not a url",
    ],
)
def test_other_urls_are_refused(url):
    with pytest.raises(EndpointRefused):
        target_resolve(url, resolve=_resolver("93.184.216.34"))


def test_registration_refuses_a_private_endpoint():
    with pytest.raises(EndpointRefused):
        endpoint_create(actor=None, url="https://hooks.example.com/", resolve=_resolver("10.1.2.3"))


def test_a_name_that_resolves_to_a_private_address_at_delivery_gets_nothing(receiver):
    """DNS rebinding: public when registered, loopback (the receiver) when delivered."""
    endpoint_create(
        actor=None, url="https://hooks.example.com/", resolve=_resolver("93.184.216.34")
    )
    event_record(type=EventType.JURISDICTION_BLOCKED, subject=None, facts={"code": "TV"})
    events_fan_out()
    assert deliveries_send_due(resolve=_resolver("127.0.0.1")) == 1
    attempt = DeliveryAttempt.objects.get()
    assert attempt.status_code is None and not attempt.succeeded
    assert "private" in attempt.error
    assert receiver.requests == 0


def test_the_setting_allows_local_receivers(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    assert target_resolve("http://127.0.0.1:8080/hook").address == "127.0.0.1"
