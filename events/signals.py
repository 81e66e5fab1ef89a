"""``events_committed``: sent after a transaction that recorded events has committed, with
``types``, the committed events' types.

The events app does not know who delivers its events; the webhooks app listens
(``webhooks.apps``) and wakes its worker. The outbox rows are the truth: a lost signal
only delays delivery until the worker's periodic sweep.
"""

from django.dispatch import Signal

events_committed = Signal()
