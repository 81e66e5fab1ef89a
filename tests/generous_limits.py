"""Environment for a live server that one test client on 127.0.0.1 drives hard.

Every request of a live test, benchmark or soak comes from one client address, so the
production defaults (10 sign-ins a minute) would answer 429 within a second. The limits
stay enabled, counted and reported in headers; they are only set far above what the
client can reach.
"""

GENEROUS_RATE_LIMITS = {
    "RATE_LIMIT_SIGN_IN_PER_ADDRESS": "100000000/m",
    "RATE_LIMIT_SIGN_IN_PER_WALLET": "100000000/m",
    "RATE_LIMIT_REFRESH_PER_ADDRESS": "100000000/m",
    "RATE_LIMIT_PER_ACCOUNT": "100000000/m",
    "RATE_LIMIT_EXPORT_PER_ACCOUNT": "100000000/m",
    "RATE_LIMIT_ADMIN_SIGN_IN_PER_ADDRESS": "100000000/m",
    "NEW_ACCOUNTS_PER_ADDRESS_PER_HOUR": "0",
}
