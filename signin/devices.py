"""A readable device name for a session's user agent ("Chrome on macOS"), from ua-parser.

The user agent is stored as the client sent it; the name is made when sessions are listed,
not on the sign-in path: parsing a new user agent with ua-parser's pure-Python matcher
takes about 0.7 ms (its first use in a process 0.1 to 0.4 s more, compiling the rules,
which ``rules_load`` does ahead), a tenth of a sign-in's own time, while a list shows a
few sessions whose agents repeat.
"""

import functools

import ua_parser

UNKNOWN_DEVICE = "Unknown device"

# ua-parser names the operating system as its rules do; a few read better to people today.
_OS_NAMES = {"Mac OS X": "macOS", "Chrome OS": "ChromeOS"}
# What ua-parser calls "no match" (its 0.x releases said "Other"; 1.x says None).
_UNKNOWN = {None, "", "Other"}
_DOMAINS = ua_parser.Domain.USER_AGENT | ua_parser.Domain.OS


def rules_load() -> None:
    """Load and compile ua-parser's rules now, which its first parse does otherwise (0.1 to
    0.4 s). config/wsgi.py calls it, so that gunicorn's preloading master does it once for
    every worker instead of each worker's first session list."""
    ua_parser.parser("Mozilla/5.0", _DOMAINS)


@functools.lru_cache(maxsize=1024)
def device_name(user_agent: str) -> str:
    """``"<browser> on <operating system>"``, or the half that is known, for a user agent;
    ``UNKNOWN_DEVICE`` when neither is (an empty or unrecognised agent)."""
    if not user_agent.strip():
        return UNKNOWN_DEVICE
    result = ua_parser.parser(user_agent, _DOMAINS)
    browser = result.user_agent.family if result.user_agent else None
    system = result.os.family if result.os else None
    browser = None if browser in _UNKNOWN else browser
    system = None if system in _UNKNOWN else _OS_NAMES.get(system or "", system)
    if browser and system:
        return f"{browser} on {system}"
    return browser or system or UNKNOWN_DEVICE
