"""Signals of the cache layer."""

from django.dispatch import Signal

# Sent by a cache backend when it answers again after being unreachable.
cache_reconnected = Signal()
