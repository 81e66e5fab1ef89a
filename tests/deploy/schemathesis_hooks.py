"""schemathesis hooks (SCHEMATHESIS_HOOKS): authenticate with a real wallet sign-in.

The fuzzer may sign itself out (``POST /auth/logout?scope=global``); a 401 then makes
schemathesis fetch a new token, which is a new sign-in with the same wallet.
"""

import json
import os
import urllib.request

import schemathesis

from tests.wallets import Wallet

WALLET = Wallet()


@schemathesis.auth(refresh_interval=600)
class WalletSignIn:
    def get(self, case, context):
        base_url = os.environ["FUZZ_BASE_URL"]
        body = WALLET.login_body(site=os.environ.get("FUZZ_SIGN_IN_SITE", "pump.fun"))
        request = urllib.request.Request(  # noqa: S310 - http://127.0.0.1 only
            base_url + "/auth/login",
            data=json.dumps(body).encode(),
            method="POST",
            headers={"Content-Type": "application/json", "X-Forwarded-Proto": "https"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return json.load(response)["token"]

    def set(self, case, data, context):
        case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}
