"""Changes made through the real flows, for the tests of the events they record."""

from django.utils import timezone

from accounts.models import User
from signin import services as signin_services
from signin.services import SignInResult
from tests.proofs import timestamp_proof
from tests.wallets import Wallet


def sign_in(keypair: Wallet | None = None, now=None) -> SignInResult:
    now = now or timezone.now()
    return signin_services.wallet_sign_in(
        proof=timestamp_proof(keypair or Wallet(), now),
        ip_address="203.0.113.9",
        user_agent="t",
        now=now,
    )


def account() -> User:
    return sign_in().user
