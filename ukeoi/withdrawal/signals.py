"""Signals other apps listen to. `account_withdrawn(sender=Withdrawal, user, withdrawal)` is
sent after the withdrawal has committed (privacy sends its "how to erase your data" mail)."""

from django.dispatch import Signal

account_withdrawn = Signal()
