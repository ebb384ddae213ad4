"""Signals of the cache layer."""

from django.dispatch import Signal

# Sent by a cache backend (the sender) on the first call that reaches its
# server again after calls failed: changes made meanwhile could not renew what
# the cache holds, so a receiver may renew it now. Sent once per process.
cache_reconnected = Signal()
