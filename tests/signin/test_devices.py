"""signin/devices.py: a readable device name from a user agent, by ua-parser's rules."""

import pytest

from signin.devices import UNKNOWN_DEVICE, device_name

CHROME_MAC = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36"
)
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1"
)
FIREFOX_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
CHROME_ANDROID = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.6778.135 Mobile Safari/537.36"
)
EDGE_WINDOWS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0"
)


@pytest.mark.parametrize(
    ("user_agent", "name"),
    [
        (CHROME_MAC, "Chrome on macOS"),
        (SAFARI_IPHONE, "Mobile Safari on iOS"),
        (FIREFOX_WINDOWS, "Firefox on Windows"),
        (CHROME_ANDROID, "Chrome Mobile on Android"),
        (EDGE_WINDOWS, "Edge on Windows"),
        # A browser without an operating system, as scripts send.
        ("curl/8.5.0", "curl"),
    ],
)
def test_browser_on_operating_system(user_agent, name):
    assert device_name(user_agent) == name


@pytest.mark.parametrize("user_agent", ["", "   ", "garbage", "-", "x" * 255])
def test_an_agent_that_tells_nothing_is_an_unknown_device(user_agent):
    assert device_name(user_agent) == UNKNOWN_DEVICE == "Unknown device"


def test_each_agent_is_parsed_once_per_process():
    device_name.cache_clear()
    device_name(CHROME_MAC)
    device_name(CHROME_MAC)
    assert device_name.cache_info().hits == 1 and device_name.cache_info().misses == 1
