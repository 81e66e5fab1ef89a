"""Characters that text fields refuse, each rule one precomputed regular expression.

The printable rule runs on every text field of every request (sign-in included): one
regular-expression search instead of a Unicode category look-up per character.
"""

import re

# Unicode's control characters (category Cc: U+0000-U+001F, U+007F-U+009F) and lone
# surrogates (Cs: U+D800-U+DFFF); the second set lets line breaks and tabs through.
CONTROL = "\x00-\x1f\x7f-\x9f\ud800-\udfff"
_CONTROL_BUT_LINE_BREAKS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff"
# Characters that make text show other than it reads: bidirectional embeddings and
# overrides (U+202A-U+202E), isolates (U+2066-U+2069) and marks (U+200E, U+200F, U+061C);
# zero-width spaces and joiners (U+200B-U+200D, U+2060, U+FEFF).
BIDI_AND_ZERO_WIDTH = "\u061c\u200b-\u200f\u202a-\u202e\u2060\u2066-\u2069\ufeff"

_NON_PRINTABLE = re.compile(f"[{CONTROL}]")
_NON_PRINTABLE_MULTILINE = re.compile(f"[{_CONTROL_BUT_LINE_BREAKS}]")


def has_non_printable(text: str, *, multiline: bool) -> bool:
    """Control characters (NUL included), or a lone surrogate; with ``multiline``, line
    breaks and tabs are allowed."""
    pattern = _NON_PRINTABLE_MULTILINE if multiline else _NON_PRINTABLE
    return pattern.search(text) is not None


# What RFC 3986 does not allow raw in a URL and urllib.parse does not refuse: it drops tabs,
# line breaks and leading control characters and spaces silently, and reads a backslash as
# part of the host where browsers read "/", so the URL checked would not be the one used.
_NOT_IN_URL = re.compile(f"[\\s\\\\{CONTROL}]")


def has_characters_not_in_url(text: str) -> bool:
    return _NOT_IN_URL.search(text) is not None
