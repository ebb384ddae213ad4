"""Fragments: kept until what they show changes, in each process's memory and shared."""

import datetime
import uuid

import pytest
import time_machine
from django.core.cache import cache
from django.template import engines
from django.test import RequestFactory
from django.utils import timezone
from jinja2 import TemplateSyntaxError

from caching.dependencies import changed, collecting, depends_on
from caching.fragments import LocalFirstCache


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
    with time_machine.travel(datetime.datetime(2026, 12, 1, 8, 0, tzinfo=datetime.UTC)) as clock:
        first.set("nav:g1", "<nav></nav>", 60)
        assert second.get("nav:g1") == "<nav></nav>"
        clock.shift(59)
        assert second.get("nav:g1") == "<nav></nav>"  # its own copy, still in time
        clock.shift(2)
        assert second.get("nav:g1") is None
        assert second.get("nav:g1", "missing") == "missing"


def test_a_process_keeps_the_fragments_it_used_last_up_to_its_limit():
    store = LocalFirstCache(
        f"limit-{uuid.uuid4()}", {"OPTIONS": {"SHARED": "default", "MAX_ENTRIES": 2}}
    )
    store.set("a", "<a>", 60)
    store.set("b", "<b>", 60)
    assert store.get("a") == "<a>"  # now used more recently than b
    store.set("c", "<c>", 60)
    assert store.holds("a") and store.holds("c")
    assert not store.holds("b")
    assert store.get("b") == "<b>"  # from the shared cache, and kept here again
    assert store.holds("b") and not store.holds("a")


def test_a_fragment_without_a_lifetime_is_kept_nowhere():
    store = process_cache("first")
    store.set("forever", "<nav></nav>", None)
    assert not store.holds("forever")
    assert cache.get(store.shared_key("forever")) is None


class Shows:
    """A template value that records the dependency key it shows when rendered."""

    def __init__(self, key, text):
        self.key, self.text = key, text

    def __str__(self):
        depends_on(self.key)
        return self.text


def render_fragment(state, text, key="article:1", *, source=None, **context):
    """Render one {% fragment %} as a page would; return (html, the page's keys).

    By default `{% fragment "menu", state %}{{ text }}{% endfragment %}`, where
    `text` shows `key`; `source` and `context` give another template and more values.
    """
    source = source or '{% fragment "menu", state %}{{ text }}{% endfragment %}'
    context = {"state": state, "text": Shows(key, text), **context}
    with collecting() as page:
        html = engines["jinja2"].from_string(source).render(context, RequestFactory().get("/"))
    return html, page.keys


@pytest.mark.django_db
def test_a_fragment_is_kept_for_each_value_it_varies_on_until_what_it_shows_changes():
    state = str(uuid.uuid4())
    assert render_fragment(state, "第一版")[0] == "第一版"
    assert render_fragment(state, "第二版")[0] == "第一版"
    assert render_fragment(f"{state}-other", "第二版")[0] == "第二版"
    changed("article:2")  # something the fragment does not show
    assert render_fragment(state, "第二版")[0] == "第一版"
    changed("article:1")
    assert render_fragment(state, "第三版")[0] == "第三版"


@pytest.mark.django_db
def test_a_fragment_from_the_cache_still_names_what_it_shows_to_the_page():
    state = str(uuid.uuid4())
    first_html, first_keys = render_fragment(state, "第一版")
    second_html, second_keys = render_fragment(state, "第二版")
    assert second_html == first_html
    assert "article:1" in first_keys and second_keys == first_keys


@pytest.mark.django_db
def test_fragments_are_rendered_every_time_with_caching_off(settings):
    settings.PAGE_CACHE_SECONDS = 0
    state = str(uuid.uuid4())
    assert render_fragment(state, "第一版")[0] == "第一版"
    assert render_fragment(state, "第二版")[0] == "第二版"


def render_kept_if(state, text, shared):
    """Render a fragment kept only `if shared`; return (html, the page's keys)."""
    source = '{% fragment "main", state if shared %}{{ text }}{% endfragment %}'
    return render_fragment(state, text, source=source, shared=shared)


@pytest.mark.django_db
def test_a_fragment_kept_if_a_condition_holds_is_kept_only_then():
    state = str(uuid.uuid4())
    assert render_kept_if(state, "第一版", shared=True)[0] == "第一版"
    assert render_kept_if(state, "第二版", shared=True)[0] == "第一版"
    html, keys = render_kept_if(state, "第二版", shared=False)
    assert html == "第二版"  # rendered, neither read nor stored
    assert "article:1" in keys
    assert render_kept_if(state, "第三版", shared=False)[0] == "第三版"
    assert render_kept_if(state, "第三版", shared=True)[0] == "第一版"


@pytest.mark.django_db
def test_a_value_a_fragment_varies_on_may_still_be_a_conditional_expression():
    source = '{% fragment "menu", ("a" if wide else "b") if kept %}{{ text }}{% endfragment %}'
    template = engines["jinja2"].from_string(source)
    with collecting():
        html = template.render(
            {"wide": True, "kept": False, "text": "<菜单>"}, RequestFactory().get("/")
        )
    assert html == "&lt;菜单&gt;"


@pytest.mark.parametrize("tag", ["{% fragment %}", "{% fragment menu %}", "{% fragment 3 %}"])
def test_a_fragment_needs_a_name_in_quotes(tag):
    with pytest.raises(TemplateSyntaxError):
        engines["jinja2"].from_string(tag + "x{% endfragment %}")


@pytest.mark.django_db
def test_a_rendering_that_began_before_a_scheduled_change_ends_at_it(make_article):
    with time_machine.travel(timezone.now(), tick=False) as clock:
        soon = timezone.now() + datetime.timedelta(seconds=1)
        make_article("马上上线的文章", published_at=soon)
        with collecting() as page:
            depends_on("articles")
            clock.shift(2)  # the article went live while the page rendered
            assert page.scheduled_change() == soon.timestamp()


@pytest.mark.django_db
def test_a_fragment_is_rendered_again_once_its_lifetime_ends(settings):
    settings.PAGE_CACHE_SECONDS = 600
    state = str(uuid.uuid4())
    with time_machine.travel(timezone.now(), tick=False) as clock:
        assert render_fragment(state, "第一版")[0] == "第一版"
        clock.shift(599)
        assert render_fragment(state, "第二版")[0] == "第一版"
        clock.shift(2)
        assert render_fragment(state, "第三版")[0] == "第三版"


@pytest.mark.django_db
def test_a_fragment_showing_the_article_list_ends_when_a_scheduled_article_goes_live(
    make_article,
):
    state = str(uuid.uuid4())
    with time_machine.travel(timezone.now(), tick=False) as clock:
        make_article("定时上线的文章", published_at=timezone.now() + datetime.timedelta(minutes=5))
        assert render_fragment(state, "第一版", key="articles")[0] == "第一版"
        clock.shift(299)
        assert render_fragment(state, "第二版", key="articles")[0] == "第一版"
        clock.shift(2)
        assert render_fragment(state, "第三版", key="articles")[0] == "第三版"
