"""What readers search for: counted per query and day, masked, shown to editors."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles import searchlog
from articles.models import SearchQuery
from tests.staff import sign_in_staff

REPORT = "/admin/articles/searchquery/report/"


def seen_url(page):
    """The counting address a results page carries (static/js/search-log.js sends it)."""
    found = re.search(r'data-search-log="([^"]+)"', page)
    return found and found.group(1).replace("&amp;", "&")


@pytest.mark.django_db
def test_a_results_page_counts_its_search_when_shown_even_from_the_cache(client, make_article):
    make_article("网贷逾期怎么办", body="网贷逾期以后先和平台协商。")
    first = client.get("/search/", {"q": "网贷逾期"}).content.decode()
    stored = client.get("/search/", {"q": "网贷逾期"}).content.decode()
    again = client.get("/search/", {"q": "网贷逾期"}).content.decode()  # from the page cache
    assert seen_url(first) == seen_url(stored) == seen_url(again)
    assert SearchQuery.objects.count() == 0  # rendering counts nothing
    for _ in range(3):
        response = client.get(seen_url(again))
        assert response.status_code == 204 and "no-cache" in response["Cache-Control"]
    row = SearchQuery.objects.get()
    assert (row.query, row.searches, row.results, row.day) == (
        "网贷逾期",
        3,
        1,
        timezone.localdate(),
    )
    # Nothing about the reader: the model has no such field, and no cookie was needed.
    fields = {field.name for field in SearchQuery._meta.get_fields()}
    assert fields == {"id", "day", "query", "searches", "results"}


@pytest.mark.django_db
def test_a_phone_number_typed_into_search_never_reaches_the_database(client):
    page = client.get("/search/", {"q": "13812345678 催收"}).content.decode()
    assert "13812345678" not in (seen_url(page) or "")
    client.get(seen_url(page))
    # Masked to 138****5678, whose stars the canonical query then drops.
    assert list(SearchQuery.objects.values_list("query", flat=True)) == ["138 5678 催收"]


@pytest.mark.django_db
def test_a_forged_or_altered_token_counts_nothing(client):
    assert client.get("/search/seen/", {"t": "forged"}).status_code == 204
    token = searchlog.token("征信", 5)
    client.get("/search/seen/", {"t": token[:-2] + "xx"})
    assert not SearchQuery.objects.exists()


@pytest.mark.django_db
def test_a_token_sent_from_another_site_or_too_old_counts_nothing(client, settings):
    token = searchlog.token("征信", 5)
    client.get("/search/seen/", {"t": token}, headers={"Sec-Fetch-Site": "cross-site"})
    assert not SearchQuery.objects.exists()
    later = timezone.now() + datetime.timedelta(seconds=settings.PAGE_CACHE_SECONDS + 7200)
    with time_machine.travel(later):
        client.get("/search/seen/", {"t": token}, headers={"Sec-Fetch-Site": "same-origin"})
    assert not SearchQuery.objects.exists()
    client.get("/search/seen/", {"t": token}, headers={"Sec-Fetch-Site": "same-origin"})
    assert SearchQuery.objects.get().searches == 1


@pytest.mark.django_db
def test_a_flood_of_queries_is_one_upsert_each_and_one_row_a_query_and_day():
    with CaptureQueriesContext(connection) as queries:
        for n in range(300):
            searchlog.record(f"查询{n % 100}", 0)
    assert len(queries) == 300
    assert SearchQuery.objects.count() == 100
    assert set(SearchQuery.objects.values_list("searches", flat=True)) == {3}


@pytest.mark.django_db
def test_the_log_keeps_search_log_days(settings):
    settings.SEARCH_LOG_DAYS = 10
    today = timezone.localdate()
    for age in (0, 10, 11, 40):
        searchlog.record("征信", 1, day=today - datetime.timedelta(days=age))
    assert searchlog.prune() == 2
    assert sorted(
        (today - row).days for row in SearchQuery.objects.values_list("day", flat=True)
    ) == [0, 10]


@pytest.mark.django_db
def test_editors_see_top_queries_the_content_gaps_and_a_chart(editor, client):
    today = timezone.localdate()
    for _ in range(5):
        searchlog.record("网贷逾期", 12)
    for _ in range(3):
        searchlog.record("以贷养贷", 0)
    searchlog.record("征信", 40, day=today - datetime.timedelta(days=2))
    searchlog.record("<script>", 0)
    page = sign_in_staff(client, editor).get(REPORT).content.decode()
    gaps = page.split("什么也没找到")[1].split("</table>")[0]
    top = page.split("热门搜索")[1].split("</table>")[0]
    assert "以贷养贷" in gaps and "网贷逾期" not in gaps
    assert top.index("网贷逾期") < top.index("以贷养贷") < top.index("征信")
    assert page.count('<svg class="chart"') == 1
    assert "<script>" not in page.split('id="content-main"')[1]
    assert sign_in_staff(client, editor).get("/admin/articles/searchquery/").status_code == 200


@pytest.mark.django_db
def test_readers_do_not_see_the_report(client, make_user):
    client.force_login(make_user("reader"))
    response = client.get(REPORT)
    assert response.status_code == 302 and "/login/" in response["Location"]
