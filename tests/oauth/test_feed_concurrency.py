"""The revocation feed against a real concurrent transaction (PostgreSQL): a revocation
stamped before a poll and committed after it is still delivered, exactly once."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from signin import oauth
from signin.models import SignIn
from signin.services import user_create_for_wallet
from tests.wallets import Wallet

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="concurrent transactions: PostgreSQL pass"
    ),
    pytest.mark.django_db(transaction=True),
]


def test_a_revocation_committed_after_a_poll_is_not_skipped(settings):
    settings.REVOCATION_FEED_SETTLE_SECONDS = 2
    user = user_create_for_wallet(address=Wallet().address)
    sign_in = SignIn.objects.create(user=user, refresh_jti="jti")
    stamped, release = threading.Event(), threading.Event()

    def revoke_slowly() -> None:
        try:
            with transaction.atomic():
                SignIn.objects.filter(pk=sign_in.pk).update(
                    revoked_at=timezone.now(), revoked_reason="logout"
                )
                stamped.set()
                release.wait(5)
        finally:
            connection.close()

    thread = threading.Thread(target=revoke_slowly)
    thread.start()
    assert stamped.wait(5)
    first = oauth.revocations_page(cursor=None)  # the revocation is stamped, not committed
    assert first.revocations == []
    release.set()
    thread.join(5)
    settled = timezone.now() + timedelta(seconds=2.1)  # the settle time passed, not waited
    second = oauth.revocations_page(cursor=first.cursor, now=settled)
    assert [row.sign_in_id for row in second.revocations] == [sign_in.pk]
    assert oauth.revocations_page(cursor=second.cursor, now=settled).revocations == []
