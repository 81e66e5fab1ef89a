"""The rules of bio and profile image, directly and through the API's input serializers."""

import sys
import unicodedata

import pytest

from accounts.profile_values import bio_problem, profile_image_problem
from accounts.serializers import ProfileUpdateInputSerializer, RegisterInputSerializer

BIDI_AND_ZERO_WIDTH = {
    *range(0x202A, 0x202F),  # embeddings and overrides, U+202E the right-to-left override
    *range(0x2066, 0x206A),  # isolates
    0x200E,  # left-to-right mark
    0x200F,  # right-to-left mark
    0x061C,  # Arabic letter mark
    *range(0x200B, 0x200E),  # zero-width space, non-joiner, joiner
    0x2060,  # word joiner
    0xFEFF,  # zero-width no-break space (byte order mark)
}


@pytest.mark.parametrize(
    "bio",
    [
        "",
        "gm",
        "héllo wörld ✓ 🚀",
        "שלום עולם",
        "مرحبا",
        "日本語のテキスト",
        "a" * 500,
        "1 > 0 & <b>",
    ],
)
def test_good_bios(bio):
    assert bio_problem(bio) is None


@pytest.mark.parametrize("code", sorted(BIDI_AND_ZERO_WIDTH))
def test_bidi_and_zero_width_characters_are_refused(code):
    assert bio_problem(f"gm {chr(code)}fun.pump") == (
        f"must not contain control, bidirectional-override or zero-width characters (U+{code:04X})"
    )


def test_bio_rule_is_exactly_control_surrogate_bidi_and_zero_width():
    """Every code point: refused exactly when it is a control character (Cc), a surrogate
    (Cs) or one of the listed bidirectional and zero-width characters."""
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        expected = unicodedata.category(char) in {"Cc", "Cs"} or code in BIDI_AND_ZERO_WIDTH
        assert (bio_problem(f"a{char}b") is not None) is expected, hex(code)


@pytest.mark.parametrize(
    "url",
    [
        "https://img.example/a.png",
        "https://IMG.Example.COM/a.png",
        "https://cdn.pump.fun/i/abc.webp?v=2&s=64#top",
        "https://img.example:443/a.png",
        "https://a-b.c-d.co.uk/x",
        "https://xn--mller-kva.de/a.png",  # müller.de in its xn-- form
        "https://shop.xn--p1ai/a.png",  # an internationalised top-level domain (.рф)
        "https://1.2.3.4.nip.io/x.png",  # a public name, whatever it resolves to
    ],
)
def test_good_profile_images(url):
    assert profile_image_problem(url) is None


IP_ADDRESS = "must name a host, not an IP address"
NOT_PUBLIC = "must name a public host, not a local one"
HOST_NAME = (
    "must name a public host: ASCII letters, digits, hyphens and dots, ending in a "
    "top-level domain (an internationalised name in its xn-- form)"
)
INVALID = "must be a valid URL"


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("http://img.example/a.png", "must be an https URL"),
        ("javascript:alert(1)", "must be an https URL"),
        ("data:image/png;base64,AAAA", "must be an https URL"),
        ("//img.example/a.png", "must be an https URL"),
        ("https://user:pw@evil.com/a.png", "must not contain a user name or password"),
        ("https://user@evil.com/a.png", "must not contain a user name or password"),
        ("https://@evil.com/a.png", "must not contain a user name or password"),
        ("https://127.0.0.1/x", IP_ADDRESS),
        ("https://8.8.8.8/x", IP_ADDRESS),
        ("https://[::1]/x", IP_ADDRESS),
        ("https://[2001:db8::1]/x", IP_ADDRESS),
        ("https://[::ffff:127.0.0.1]/x", IP_ADDRESS),
        # Forms that browsers read as IPv4 and ipaddress does not.
        ("https://2130706433/", IP_ADDRESS),
        ("https://0x7f.1/", IP_ADDRESS),
        ("https://0x7F000001/", IP_ADDRESS),
        ("https://127.1/", IP_ADDRESS),
        ("https://0177.0.0.1/", IP_ADDRESS),
        ("https://127.0.0.1./x", IP_ADDRESS),
        ("https://evil.com.0x/", IP_ADDRESS),
        ("https://localhost/x", NOT_PUBLIC),
        ("https://localhost:443/x", NOT_PUBLIC),
        ("https://a.localhost/x", NOT_PUBLIC),
        ("https://LOCALHOST.localhost/x", NOT_PUBLIC),
        ("https://printer.local/x", NOT_PUBLIC),
        ("https://db.internal/x", NOT_PUBLIC),
        ("https://router.home.arpa/x", NOT_PUBLIC),
        ("https://nas.home/x", NOT_PUBLIC),
        ("https://img.example./a.png", HOST_NAME),
        ("https://img/a.png", HOST_NAME),
        ("https://müller.de/a.png", HOST_NAME),
        ("https://\uff4c\uff4f\uff43\uff41\uff4c\uff48\uff4f\uff53\uff54/x", HOST_NAME),
        ("https://%6cocalhost/x", HOST_NAME),
        ("https://-bad.example/x", HOST_NAME),
        ("https://img_1.example/x", HOST_NAME),
        ("https://img.example1/x", HOST_NAME),
        ("https:///a.png", HOST_NAME),
        ("https://img.example:8080/a.png", "must not name a port other than 443"),
        ("https://img.example:0/a.png", "must not name a port other than 443"),
        ("https://img.example:99999/a.png", INVALID),
        ("https://[::1/x", INVALID),
        ("https://img.example/a b.png", INVALID),
        (" https://127.0.0.1/x", INVALID),
        ("https://127.0.0.\t1/x", INVALID),
        ("https://img.example\\@127.0.0.1/x", INVALID),
    ],
)
def test_refused_profile_images(url, problem):
    assert profile_image_problem(url) == problem


@pytest.mark.parametrize(
    "serializer_class", [RegisterInputSerializer, ProfileUpdateInputSerializer]
)
@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("username", "Admin_", "is reserved"),
        ("username", "__admin", "is reserved"),
        ("bio", "gm \u202efun.pump", "must not contain control, bidirectional-override"),
        ("bio", "zero\u200bwidth", "must not contain control, bidirectional-override"),
        ("profileImage", "https://127.0.0.1/x", IP_ADDRESS),
        ("profileImage", "https://user:pw@evil.com/a.png", "must not contain a user name"),
        ("profileImage", "https://a.localhost/x", NOT_PUBLIC),
        ("profileImage", "https://img.example:8080/a.png", "must not name a port"),
    ],
)
def test_serializers_refuse_with_the_field_named(serializer_class, field, value, message):
    serializer = serializer_class(data={"username": "alice", field: value})
    assert not serializer.is_valid()
    assert list(serializer.errors) == [field]
    assert str(serializer.errors[field][0]).startswith(message)


@pytest.mark.parametrize(
    "serializer_class", [RegisterInputSerializer, ProfileUpdateInputSerializer]
)
def test_serializers_accept_good_values(serializer_class):
    serializer = serializer_class(
        data={
            "username": "admin_fan",
            "bio": "שלום 🚀",
            "profileImage": "https://cdn.pump.fun/i/a.webp",
        }
    )
    assert serializer.is_valid(), serializer.errors
    assert serializer.validated_data["profile_image"] == "https://cdn.pump.fun/i/a.webp"
