"""Each call to the shared cache is a round trip to Redis: a rendering makes few of them."""

import pytest
from django.core.cache import caches
from django.test import Client

from articles import ranking
from caching import fragments, pages
from caching.dependencies import key_of
from caching.fragments import fragment_key
from community.models import Experience


class Calls:
    """Count the calls made to the shared cache (they still reach it).

    Only the outer call counts: the local-memory cache of the tests answers
    get_many() with get()s, where Redis answers one MGET.
    """

    def __init__(self, monkeypatch):
        self.names = []
        self._inside = False
        shared = caches["default"]
        for name in ("get", "get_many", "set", "set_many", "add", "delete"):
            monkeypatch.setattr(shared, name, self._counted(name, getattr(shared, name)))

    def _counted(self, name, call):
        def counted(*args, **kwargs):
            if self._inside:
                return call(*args, **kwargs)
            self.names.append(name)
            self._inside = True
            try:
                return call(*args, **kwargs)
            finally:
                self._inside = False

        return counted


@pytest.fixture
def articles(make_article, make_experience):
    made = [make_article(f"逾期第{n}天怎么办", tags=["逾期", f"第{n}天"]) for n in range(12)]
    ranking.refresh_all()
    make_experience("协商成功", article=made[0], status=Experience.Status.APPROVED)
    return made


@pytest.mark.django_db
def test_a_page_rendered_for_one_reader_keeps_its_parts_from_its_second_rendering(
    articles, monkeypatch
):
    Client().get(articles[1].get_absolute_url() + "?visit=1")  # the menus, in memory
    url = articles[0].get_absolute_url()
    calls = Calls(monkeypatch)
    assert Client().get(url + "?visit=2").status_code == 200
    # The first time here: the change counter with the last page's keys, then
    # the article (another process may have kept it with the page's other
    # parts). It is not there, so neither are they: not looked for. Nothing is
    # stored: most pages rendered so are never rendered again.
    assert calls.names == ["get_many", "get"]
    calls.names.clear()
    assert Client().get(url + "?visit=3").status_code == 200
    # Read: the change counter with the parts the page looked for last time,
    # then their keys' versions afresh. Written: all the parts at once.
    assert calls.names == ["get_many", "get_many", "set_many"]


@pytest.mark.django_db
def test_a_page_new_to_a_process_uses_the_parts_another_kept(articles, django_assert_num_queries):
    url = articles[0].get_absolute_url()
    Client().get(url + "?visit=1")
    first = Client().get(url + "?visit=2")  # its parts are kept from this one on
    # Another process: it has rendered nothing yet.
    fragments._known_fragments.clear()
    caches["fragments"].clear()
    with django_assert_num_queries(0):
        again = Client().get(url + "?visit=3")
    assert again.content == first.content


@pytest.mark.django_db
def test_a_page_rendered_again_from_its_fragments_makes_one_call(articles, monkeypatch):
    url = articles[0].get_absolute_url()
    Client().get(url + "?visit=1")
    first = Client().get(url + "?visit=2")  # its parts are kept from this one on
    calls = Calls(monkeypatch)
    again = Client().get(url + "?visit=3")
    assert calls.names == ["get_many"]
    assert again.content == first.content


@pytest.mark.django_db
def test_a_fragment_rendered_again_after_a_change_shows_it(articles):
    url = articles[0].get_absolute_url()
    Client().get(url + "?visit=1")
    articles[0].title = "逾期第0天：先别慌"
    articles[0].save()
    assert "先别慌" in Client().get(url + "?visit=2").content.decode()


@pytest.mark.django_db
def test_a_page_stored_the_first_time_keeps_only_the_whole_then_its_fragments(
    articles, monkeypatch, django_assert_num_queries
):
    url = articles[0].get_absolute_url()
    Client().get(articles[1].get_absolute_url() + "?visit=1")  # the menus, in memory
    calls = Calls(monkeypatch)
    with django_assert_num_queries(4):
        assert Client().get(url)["X-Cache"] == "MISS"
    # Read: the change counter with the page, and versions; not the article
    # on its own (a `get`). Written: the page alone, no fragment (`set_many`).
    assert set(calls.names[:-1]) == {"get_many"}
    assert calls.names[-1] == "set"
    # A vote: the page is rendered again, and its fragments are kept this time.
    Client().post(url + "helpful/")
    calls.names.clear()
    with django_assert_num_queries(4):
        assert Client().get(url)["X-Cache"] == "MISS"
    assert calls.names[-2:] == ["set_many", "set"]
    # The next vote: only what shows the count is rendered again (the article
    # and the head that names its keys); the text, the posts and the list come
    # from the fragments.
    Client().post(url + "helpful/")
    with django_assert_num_queries(2):
        response = Client().get(url)
    assert response["X-Cache"] == "MISS"
    assert "(2)" in response.content.decode()


@pytest.mark.django_db
def test_a_first_rendering_still_keeps_the_site_wide_fragments(articles, django_assert_num_queries):
    caches["fragments"].clear()
    with django_assert_num_queries(5):  # the article's four, and the category menu
        Client().get(articles[0].get_absolute_url())
    with django_assert_num_queries(4):  # the menu came from the fragment the first one kept
        Client().get(articles[1].get_absolute_url())


@pytest.mark.django_db
def test_a_page_rendered_again_reads_its_fragments_with_the_change_counter(articles, monkeypatch):
    """When this worker's memory no longer holds them, they come in the same round trip."""
    url = articles[0].get_absolute_url()
    Client().get(url + "?visit=1")
    first = Client().get(url + "?visit=2")  # its parts are kept from this one on
    caches["fragments"].clear()  # this worker's memory only; the shared copies stay
    calls = Calls(monkeypatch)
    again = Client().get(url + "?visit=3")
    assert calls.names == ["get_many"]
    assert again.content == first.content


@pytest.mark.django_db
def test_a_worker_keeps_the_site_wide_fragments_and_the_shared_cache_a_pages_own(articles):
    article = articles[0]
    Client().get(article.get_absolute_url() + "?visit=1")
    Client().get(article.get_absolute_url() + "?visit=2")  # its parts are kept from this one on
    store, shared = caches["fragments"], caches["default"]
    footer = fragment_key("site_footer", [])
    text = fragment_key("article_main", [key_of(article), key_of(article.category)], True)
    assert store.holds(footer)
    assert not store.holds(text)
    assert shared.get(store.shared_key(text)) is not None
    assert "逾期第0天怎么办" in store.get(text)["value"]


@pytest.mark.django_db
def test_a_page_read_all_the_time_keeps_its_one_round_trip_while_the_long_tail_passes(
    articles, monkeypatch
):
    monkeypatch.setattr(pages, "_KNOWN_KEYS_LIMIT", 6)
    hot = articles[0].get_absolute_url()
    assert Client().get(hot)["X-Cache"] == "MISS"
    calls = Calls(monkeypatch)
    for article in articles[1:]:  # each read once: more pages than the process remembers
        Client().get(article.get_absolute_url())
        calls.names.clear()
        assert Client().get(hot)["X-Cache"] == "HIT"
        # The page with the versions of the keys it had: one round trip.
        assert calls.names == ["get_many"]
    assert len(pages._known_keys) <= 6
