"""The fragment cache: each process's memory in front of the shared cache."""

import time
import uuid

import pytest
from django.core.cache import cache
from django.template import Context, Template, TemplateSyntaxError
from django.test import RequestFactory

from portal import pagecache
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


def render_fragment(**context):
    """Render one {% fragment %} for a new request, as a page would."""
    source = "{% load portal_tags %}{% fragment menu state %}{{ text }}{% endfragment %}"
    request = RequestFactory().get("/")
    return Template(source).render(Context({"request": request, **context}))


@pytest.mark.django_db
def test_a_fragment_is_kept_for_each_value_it_varies_on_until_the_content_changes():
    state = str(uuid.uuid4())
    assert render_fragment(state=state, text="第一版") == "第一版"
    assert render_fragment(state=state, text="第二版") == "第一版"
    assert render_fragment(state=f"{state}-other", text="第二版") == "第二版"
    pagecache.content_changed()
    assert render_fragment(state=state, text="第三版") == "第三版"


@pytest.mark.django_db
def test_fragments_are_rendered_every_time_with_caching_off(settings):
    settings.PAGE_CACHE_SECONDS = 0
    state = str(uuid.uuid4())
    assert render_fragment(state=state, text="第一版") == "第一版"
    assert render_fragment(state=state, text="第二版") == "第二版"


def test_a_fragment_needs_a_name():
    with pytest.raises(TemplateSyntaxError):
        Template("{% load portal_tags %}{% fragment %}x{% endfragment %}")
