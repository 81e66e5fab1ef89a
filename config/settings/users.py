"""Settings of profiles, roles and jurisdiction checks (accounts and permissions apps)."""

from datetime import timedelta

from config.env import env_bool, env_int, env_list, env_optional

# --- Profiles -------------------------------------------------------------------------------
# Time an account must wait between two username changes (registration counts as one).
USERNAME_CHANGE_COOLDOWN = timedelta(
    seconds=env_int("USERNAME_CHANGE_COOLDOWN_SECONDS", 7 * 24 * 3600)
)
# Names refused in any case, in addition to the built-in list in accounts/usernames.py.
RESERVED_USERNAMES_EXTRA = env_list("RESERVED_USERNAMES_EXTRA", [])

# --- Jurisdiction -----------------------------------------------------------------------------
# A request header a trusted proxy sets to the client's ISO 3166-1 alpha-2 country, such as
# Cloudflare's CF-IPCountry. Unset: the header is ignored and the country comes from the
# offline geo-IP lookup of the client address.
COUNTRY_HEADER = env_optional("COUNTRY_HEADER")
# Whether a request whose country cannot be told (private address, unknown range) is let in.
# Staff can also block unknown countries in the admin site with the code XX.
JURISDICTION_ALLOW_UNKNOWN = env_bool("JURISDICTION_ALLOW_UNKNOWN", True)
