"""The fragment cache: each process's memory in front of the shared cache."""

import time
import uuid

import pytest
from django.core.cache import cache

from portal.fragment_cache import LocalFirstCache


def process_cache(name):
    """A fragment cache as one more process would have it, sharing the default cache."""
    # Local-memory caches of one name share their store: a fresh name per process.
    return LocalFirstCache(
        f"{name}-{uuid.uuid4()}", {"OPTIONS": {"SHARED": "default", "MAX_ENTRIES": 100}}
    )


def test_a_fragment_rendered_in_one_process_is_read_by_another():
    first, second = process_cache("first"), process_cache("second")
    first.set("nav:g1", "<nav>菜单</nav>", 60)
    assert cache.get("fragment:nav:g1")[1] == "<nav>菜单</nav>"
    assert second.get("nav:g1") == "<nav>菜单</nav>"
    cache.delete("fragment:nav:g1")
    assert second.get("nav:g1") == "<nav>菜单</nav>"  # now from its own memory


def test_the_local_copy_ends_with_the_shared_one():
    first, second = process_cache("first"), process_cache("second")
    first.set("nav:g1", "<nav></nav>", 1)
    assert second.get("nav:g1") == "<nav></nav>"
    time.sleep(1.1)
    assert second.get("nav:g1") is None
    assert second.get("nav:g1", "missing") == "missing"


@pytest.mark.parametrize("seconds", [0, -1])
def test_a_fragment_not_to_be_kept_is_not_shared(seconds):
    first = process_cache("first")
    first.set("nav:g1", "<nav></nav>", seconds)
    assert first.get("nav:g1") is None
    assert cache.get("fragment:nav:g1") is None
