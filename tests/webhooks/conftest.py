import pytest

from tests.webhooks.receiver import Receiver
from webhooks.services import endpoint_create


@pytest.fixture
def receiver():
    running = Receiver().start()
    yield running
    running.stop()


@pytest.fixture
def endpoint(receiver, db):
    """An endpoint for every event type at the local receiver, which knows its secret."""
    created = endpoint_create(actor=None, url=receiver.url)
    receiver.secret = created.secret
    return created.endpoint
