"""caching.health names the dependencies that do not answer: the cache's Redis, each edge cache."""

import http.server
import socket
import threading
import time

import pytest

from caching import health
from tests.servers import free_port, own_redis


class _Answers(http.server.BaseHTTPRequestHandler):
    def do_PURGE(self):
        # As Varnish answers a PURGE without keys.
        self.send_response(400)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def edge():
    """An HTTP server on loopback that refuses a PURGE without keys, as Varnish does."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Answers)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def silent():
    """A loopback port that takes connections and never answers."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        yield f"http://127.0.0.1:{listener.getsockname()[1]}"


def test_nothing_is_named_when_everything_answers(settings, edge):
    settings.FRONTEND_CACHE_URLS = [edge]
    with own_redis() as server:
        settings.CACHES = server.cache_setting(settings.CACHES)
        assert health.unreachable() == []


def test_the_cache_is_named_while_its_redis_is_stopped(settings):
    settings.FRONTEND_CACHE_URLS = []
    with own_redis() as server:
        settings.CACHES = server.cache_setting(settings.CACHES)
        server.stop()
        assert health.unreachable() == ["cache"]
        server.start()
        assert health.unreachable() == []


def test_a_local_memory_cache_is_not_a_dependency(settings):
    settings.FRONTEND_CACHE_URLS = []
    assert health.unreachable() == []


def test_an_edge_cache_that_is_down_or_silent_is_named_within_the_timeout(settings, silent):
    closed = f"http://127.0.0.1:{free_port()}"
    settings.FRONTEND_CACHE_URLS = [closed, silent]
    started = time.monotonic()
    assert health.unreachable() == [f"edge cache {closed}", f"edge cache {silent}"]
    assert time.monotonic() - started < 2
