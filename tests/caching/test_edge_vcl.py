"""deploy/varnish/portal.vcl in a real varnishd, in front of a stand-in for the app.

The stand-in answers the way the app does (shared pages with `s-maxage` and `xkey`,
per-user pages private) and counts the requests that reach it, so each test sees
what Varnish stored, what it passed and what a purge dropped.
"""

import http.client
import re
import threading
import time
import urllib.parse
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tests.servers import EDGE_VCL, edge_cache, edge_vcl, free_port

pytestmark = pytest.mark.edge

SHARED = "public, max-age=0, s-maxage=300"


class Backend:
    """A stand-in for the app on a free loopback port: answers per path, counts requests."""

    def __init__(self):
        self.pages = {}
        self.hits = Counter()
        self.headers = {}
        self.down = False
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), _handler(self))
        self.base_url = f"http://127.0.0.1:{self.server.server_port}"

    def serve(self, path, *, status=200, cache_control=SHARED, xkey=None, **headers):
        """Answer `path` (query ignored) like a page of the app; extra headers as keywords."""
        page = {"Cache-Control": cache_control, "X-Cache": "HIT"}
        if xkey:
            page["xkey"] = xkey
        page.update({name.replace("_", "-"): value for name, value in headers.items()})
        self.pages[path] = (status, page)

    def answer(self, request):
        """Return (status, headers, body) for `request`, a BaseHTTPRequestHandler."""
        path = urllib.parse.urlsplit(request.path).path
        with self.lock:
            self.hits[request.path] += 1
            self.headers[request.path] = request.headers
            count = self.hits[request.path]
        if path == "/healthz":
            return (503, {}, "database unavailable\n") if self.down else (200, {}, "ok\n")
        if self.down:
            return 503, {"Cache-Control": "private"}, "backend error\n"
        status, headers = self.pages.get(path, (404, {"Cache-Control": "private"}))
        etag = {"ETag": f'"{path}-{count}"'} if status == 200 else {}
        return status, {**headers, **etag}, f"{request.command} {request.path} #{count}\n"


def _handler(backend):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):
            self.reply()

        def do_HEAD(self):
            self.reply()

        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.reply()

        def reply(self):
            status, headers, body = backend.answer(self)
            data = body.encode()
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Type", "text/plain; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        def log_message(self, format, *args):
            pass

    return Handler


@pytest.fixture(scope="module")
def backend():
    app = Backend()
    thread = threading.Thread(target=app.server.serve_forever, daemon=True)
    thread.start()
    yield app
    app.server.shutdown()
    app.server.server_close()


@pytest.fixture(scope="module")
def edge(backend):
    with edge_cache(backend.base_url) as base:
        yield base


class Response:
    """A response read to the end: status, headers, body; `response[name]` reads a header."""

    def __init__(self, response):
        self.status = response.status
        self.headers = response.headers
        self.body = response.read().decode()

    def __getitem__(self, name):
        return self.headers.get(name)


def request(base, path, method="GET", headers=None, body=None):
    """Send one request with only the given headers (and Host); return a Response."""
    address = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        return Response(connection.getresponse())
    finally:
        connection.close()


def purge(base, keys, headers=None):
    return request(base, "/", "PURGE", {"xkey-purge": keys, **(headers or {})})


def test_shared_page_is_served_from_the_edge_the_second_time(edge, backend):
    backend.serve("/articles/stored/", xkey="article:1 articles")

    first = request(edge, "/articles/stored/")
    second = request(edge, "/articles/stored/")

    assert (first.status, first["X-Cache"]) == (200, "MISS")
    assert (second.status, second["X-Cache"]) == (200, "HIT")
    assert second.body == first.body == "GET /articles/stored/ #1\n"
    assert backend.hits["/articles/stored/"] == 1


def test_the_client_gets_no_xkey_and_no_s_maxage(edge, backend):
    backend.serve("/articles/headers/", xkey="article:2 category:3")

    for response in (request(edge, "/articles/headers/"), request(edge, "/articles/headers/")):
        assert response["xkey"] is None
        assert response["Cache-Control"] == "public, max-age=0"
        assert response["Vary"] is None
        assert response["ETag"] == '"/articles/headers/-1"'


def test_a_conditional_request_is_answered_by_the_edge(edge, backend):
    backend.serve("/articles/etag/", xkey="article:3")
    etag = request(edge, "/articles/etag/")["ETag"]

    again = request(edge, "/articles/etag/", headers={"If-None-Match": etag})

    assert (again.status, again.body) == (304, "")
    assert backend.hits["/articles/etag/"] == 1


def test_purge_drops_exactly_the_pages_with_the_key(edge, backend):
    backend.serve("/purge/one/", xkey="article:7 category:1")
    backend.serve("/purge/seventy/", xkey="article:70 category:2")
    backend.serve("/purge/other/", xkey="article:8 category:2")
    for path in ("/purge/one/", "/purge/seventy/", "/purge/other/"):
        request(edge, path)

    answer = purge(edge, "article:7")

    assert (answer.status, answer.body) == (200, "objects purged: 1\n")
    assert answer["xkey-purged"] == "1"
    fresh = request(edge, "/purge/one/")
    assert (fresh["X-Cache"], fresh.body) == ("MISS", "GET /purge/one/ #2\n")
    assert request(edge, "/purge/seventy/")["X-Cache"] == "HIT"
    assert request(edge, "/purge/other/")["X-Cache"] == "HIT"


def test_purge_takes_several_keys_at_once(edge, backend):
    backend.serve("/purge/tag/", xkey="tag:17 articles")
    backend.serve("/purge/category/", xkey="category:9")
    backend.serve("/purge/kept/", xkey="tag:18")
    for path in ("/purge/tag/", "/purge/category/", "/purge/kept/"):
        request(edge, path)

    answer = purge(edge, "tag:17 category:9 article:999")

    assert (answer.status, answer["xkey-purged"]) == (200, "2")
    assert request(edge, "/purge/tag/")["X-Cache"] == "MISS"
    assert request(edge, "/purge/category/")["X-Cache"] == "MISS"
    assert request(edge, "/purge/kept/")["X-Cache"] == "HIT"


def test_purge_without_keys_is_rejected(edge):
    answer = request(edge, "/", "PURGE")

    assert answer.status == 400


def test_purge_relayed_by_a_proxy_is_refused(edge, backend):
    backend.serve("/purge/relayed/", xkey="article:11")
    request(edge, "/purge/relayed/")

    through_tls = purge(edge, "article:11", {"X-Forwarded-Proto": "https"})
    forwarded = purge(edge, "article:11", {"X-Forwarded-For": "203.0.113.7"})

    assert (through_tls.status, forwarded.status) == (403, 403)
    assert request(edge, "/purge/relayed/")["X-Cache"] == "HIT"


def test_purge_from_outside_the_acl_is_refused(backend):
    backend.serve("/acl/page/", xkey="article:12")
    with edge_cache(backend.base_url, purgers=["192.0.2.1"]) as other_edge:
        request(other_edge, "/acl/page/")

        answer = purge(other_edge, "article:12")
        debugged = request(other_edge, "/acl/page/", headers={"X-Edge-Debug": "1"})

    assert answer.status == 403
    assert (debugged["X-Cache"], debugged["xkey"]) == ("HIT", None)
    assert backend.hits["/acl/page/"] == 1


def test_debug_header_from_a_purger_shows_the_keys(edge, backend):
    backend.serve("/debug/page/", xkey="article:13 articles")
    request(edge, "/debug/page/")

    debugged = request(edge, "/debug/page/", headers={"X-Edge-Debug": "1"})

    assert debugged["xkey"] == "article:13 articles"
    assert 0 < float(debugged["X-Edge-TTL"]) <= 300
    assert debugged["X-Edge-Backend"] == "healthy"


@pytest.mark.parametrize("cookie", ["messages=W10:1t", "_ga=GA1.2.3; messages=W10:1t; a=b"])
def test_reader_with_a_message_waiting_always_reaches_the_app(edge, backend, cookie):
    path = f"/articles/messages-{cookie.split('=')[0].strip('_')}/"
    backend.serve(path, xkey="article:14")
    request(edge, path)

    first = request(edge, path, headers={"Cookie": cookie})
    second = request(edge, path, headers={"Cookie": cookie})

    assert (first["X-Cache"], second["X-Cache"]) == ("MISS", "MISS")
    assert backend.hits[path] == 3
    assert backend.headers[path]["Cookie"] == cookie


def test_signed_in_reader_gets_the_stored_page(edge, backend):
    backend.serve("/articles/signed-in/", xkey="article:18")
    request(edge, "/articles/signed-in/")

    cookie = "_ga=GA1.2.3; sessionid=abc123; reader=1"
    again = request(edge, "/articles/signed-in/", headers={"Cookie": cookie})

    assert again["X-Cache"] == "HIT"
    assert backend.hits["/articles/signed-in/"] == 1


def test_signed_in_readers_miss_takes_their_cookies_to_the_app(edge, backend):
    """The app renders the shared page without them, or a page of their own, marked private."""
    backend.serve("/articles/first-signed-in/", xkey="article:19")
    backend.serve("/experiences/own/", cache_control="private, no-store")
    cookie = "sessionid=abc123; reader=1"

    shared = request(edge, "/articles/first-signed-in/", headers={"Cookie": cookie})
    seen = backend.headers["/articles/first-signed-in/"]["Cookie"]
    anonymous = request(edge, "/articles/first-signed-in/")
    own = request(edge, "/experiences/own/", headers={"Cookie": cookie})
    other = request(edge, "/experiences/own/")

    assert (shared["X-Cache"], anonymous["X-Cache"]) == ("MISS", "HIT")
    assert seen == cookie
    assert own.body == "GET /experiences/own/ #1\n"
    assert backend.headers["/experiences/own/"]["Cookie"] is None  # not the reader's page
    assert other.body == "GET /experiences/own/ #2\n"


def test_analytics_cookies_neither_split_nor_bypass_the_cache(edge, backend):
    backend.serve("/articles/analytics/", xkey="article:15")
    cookies = "_ga=GA1.2.345.678; Hm_lvt_abc=1700000000; Hm_lpvt_abc=1700000001; csrftoken=x1"

    first = request(edge, "/articles/analytics/", headers={"Cookie": cookies})
    seen = backend.headers["/articles/analytics/"]
    second = request(edge, "/articles/analytics/", headers={"Cookie": "_ga=GA1.9.9.9"})
    third = request(edge, "/articles/analytics/")

    assert seen["Cookie"] is None
    assert [r["X-Cache"] for r in (first, second, third)] == ["MISS", "HIT", "HIT"]
    assert backend.hits["/articles/analytics/"] == 1


def test_a_cookie_named_like_the_session_cookie_is_not_a_session(edge, backend):
    backend.serve("/articles/lookalike/", xkey="article:16")
    request(edge, "/articles/lookalike/")

    again = request(edge, "/articles/lookalike/", headers={"Cookie": "old_sessionid=1"})

    assert again["X-Cache"] == "HIT"


def test_tracking_parameters_are_the_same_page(edge, backend):
    backend.serve("/articles/shared/", xkey="article:17")
    request(edge, "/articles/shared/")

    for query in (
        "?utm_source=x&from=timeline",
        "?from=singlemessage&isappinstalled=0",
        "?scene=1&spm=a.b.c&bd_vid=1&fbclid=x&gclid=y&utm_campaign=z",
        "?utm_medium",
    ):
        assert request(edge, f"/articles/shared/{query}")["X-Cache"] == "HIT", query
    assert [path for path in backend.hits if path.startswith("/articles/shared/")] == [
        "/articles/shared/"
    ]


def test_query_parameters_are_sorted_and_tracking_ones_dropped_among_others(edge, backend):
    backend.serve("/articles/", xkey="articles")
    request(edge, "/articles/?b=1&a=2")

    for query in ("?a=2&b=1", "?a=2&utm_source=x&b=1", "?from=x&b=1&a=2&scene=3", "?b=1&a=2&spm=x"):
        assert request(edge, f"/articles/{query}")["X-Cache"] == "HIT", query
    assert request(edge, "/articles/?a=2&b=1&fromage=1")["X-Cache"] == "MISS"
    assert set(backend.hits) >= {"/articles/?a=2&b=1", "/articles/?a=2&b=1&fromage=1"}
    assert backend.hits["/articles/?a=2&b=1"] == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"cache_control": "private, no-store"},
        {"cache_control": "no-cache, no-store, must-revalidate, private"},
        {"cache_control": SHARED, "Set_Cookie": "messages=abc; Path=/"},
        {"cache_control": "public, max-age=600"},
        {"cache_control": "public, max-age=0, s-maxage=0"},
    ],
    ids=["private", "never-cache", "set-cookie", "no-s-maxage", "s-maxage-0"],
)
def test_response_not_marked_shareable_is_never_stored(edge, backend, headers):
    path = f"/uncached/{len(backend.pages)}/"
    backend.serve(path, **headers)

    first = request(edge, path)
    second = request(edge, path)

    assert (first["X-Cache"], second["X-Cache"]) == ("MISS", "MISS")
    assert second.body == f"GET {path} #2\n"
    if "Set_Cookie" in headers:
        assert second["Set-Cookie"] == "messages=abc; Path=/"


def test_server_error_is_never_stored_and_readers_get_the_503_page(edge, backend):
    backend.serve("/broken/", status=500)

    first = request(edge, "/broken/")
    again = request(edge, "/broken/")
    signed_in = request(edge, "/broken/", headers={"Cookie": "sessionid=abc123"})

    for response in (first, again, signed_in):
        assert response.status == 503
        assert "服务暂时不可用，请稍后再试。" in response.body
    assert backend.hits["/broken/"] == 3


def test_not_found_is_stored_for_a_minute_at_most_when_the_app_allows(edge, backend):
    backend.serve("/articles/missing/", status=404, xkey="articles")
    backend.serve("/articles/missing-private/", status=404, cache_control="private")

    request(edge, "/articles/missing/")
    stored = request(edge, "/articles/missing/", headers={"X-Edge-Debug": "1"})
    request(edge, "/articles/missing-private/")
    private = request(edge, "/articles/missing-private/")

    assert (stored.status, stored["X-Cache"]) == (404, "HIT")
    assert 0 < float(stored["X-Edge-TTL"]) <= 60
    assert float(stored["X-Edge-Grace"]) == 0
    assert (private.status, private["X-Cache"]) == (404, "MISS")


@pytest.mark.parametrize(
    "path", ["/admin/", "/accounts/login/", "/experiences/new/?article=x", "/experiences/mine/",
             "/csrf/", "/healthz"],
)  # fmt: skip
def test_per_user_addresses_always_reach_the_app(edge, backend, path):
    backend.serve(urllib.parse.urlsplit(path).path, xkey="article:18")
    before = backend.hits[path]

    request(edge, path, headers={"Cookie": "csrftoken=abc"})
    request(edge, path, headers={"Cookie": "csrftoken=abc"})

    assert backend.hits[path] == before + 2
    assert backend.headers[path]["Cookie"] == "csrftoken=abc"


def test_post_passes_and_leaves_the_stored_page(edge, backend):
    backend.serve("/articles/voted/", xkey="article:19")
    request(edge, "/articles/voted/")

    posted = request(
        edge, "/articles/voted/", "POST", {"Cookie": "csrftoken=abc"}, body="helpful=1"
    )

    assert (posted.body, posted["X-Cache"]) == ("POST /articles/voted/ #2\n", "MISS")
    assert backend.headers["/articles/voted/"]["Cookie"] == "csrftoken=abc"
    assert request(edge, "/articles/voted/")["X-Cache"] == "HIT"


def test_stored_page_outlives_the_app_and_the_rest_gets_a_chinese_503():
    app = Backend()
    threading.Thread(target=app.server.serve_forever, daemon=True).start()
    short = "public, max-age=0, s-maxage=1"
    app.serve("/articles/refreshed/", cache_control=short, xkey="article:20")
    app.serve("/articles/lasting/", cache_control=short, xkey="article:21")
    app.serve("/articles/withdrawn/", xkey="article:22")
    try:
        with edge_cache(app.base_url, probe_interval=0.1) as edge:
            request(edge, "/articles/refreshed/")
            request(edge, "/articles/lasting/")
            request(edge, "/articles/withdrawn/")
            # While the app is up, an expired page is fetched again, never served stale.
            refreshed = _poll(lambda: _changed(request(edge, "/articles/refreshed/")))
            app.down = True
            # The app fails before its probe does: the stored copy all the same.
            at_once = request(edge, "/articles/lasting/")
            missing_at_once = request(edge, "/articles/never-stored/")
            # A purged page is gone for good: never shown again, even while the app fails.
            purge(edge, "article:22")
            withdrawn = request(edge, "/articles/withdrawn/")
            _poll(lambda: _debug(edge, "/healthz")["X-Edge-Backend"] == "sick")
            while_sick = request(edge, "/articles/lasting/")
            missing = request(edge, "/articles/never-stored/")
    finally:
        app.server.shutdown()
        app.server.server_close()

    assert (refreshed["X-Cache"], refreshed.body) == ("MISS", "GET /articles/refreshed/ #2\n")
    for stale in (at_once, while_sick):
        assert (stale.status, stale["X-Cache"]) == (200, "HIT")
        assert stale.body == "GET /articles/lasting/ #1\n"
    for unavailable in (missing_at_once, withdrawn, missing):
        assert unavailable.status == 503
        assert "服务暂时不可用，请稍后再试。" in unavailable.body
        assert unavailable["Content-Type"] == "text/html; charset=utf-8"


def test_the_harness_substitutes_backend_acl_and_probe():
    vcl = edge_vcl("http://10.0.0.5:8123", purgers=["192.0.2.1"], probe_interval=0.1)

    assert '.host = "10.0.0.5";' in vcl and '.port = "8123";' in vcl
    assert 'acl purgers {\n    "192.0.2.1";\n}' in vcl
    assert ".interval = 0.1s;" in vcl


def _debug(edge, path):
    return request(edge, path, headers={"X-Edge-Debug": "1"})


def _changed(response):
    return response if not response.body.endswith("#1\n") else None


def _poll(condition, timeout=10):
    """Return the first true value of `condition()`, tried every 50 ms."""
    deadline = time.monotonic() + timeout
    while not (value := condition()):
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)
    return value


def test_the_edge_strips_the_tracking_parameters_the_app_ignores(settings):
    """The VCL's list and settings.TRACKING_PARAMETERS name the same parameters."""
    vcl = EDGE_VCL.read_text()
    names = re.search(r'"\(\?<=\[\?&\]\)\(([^)]*)\)', vcl).group(1).split("|")
    in_vcl = {name.replace("[^&=]*", "*") for name in names}
    assert in_vcl == set(settings.TRACKING_PARAMETERS)
