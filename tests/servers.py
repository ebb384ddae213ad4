"""Real server processes for tests that need more than one (scale-out, shared limits)."""

import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import contextmanager
from http.cookiejar import CookieJar, DefaultCookiePolicy
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# The Redis database tests empty: TEST_REDIS_URL's (by default 15) in the first
# pytest-xdist process (gw0), the one below it in the second (gw1), and so on.
_SERVER, _DATABASE = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15").rsplit("/", 1)
_PROCESS = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw"))
REDIS_URL = f"{_SERVER}/{int(_DATABASE) - _PROCESS}"


def redis_or_skip():
    import pytest
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    return client


class OwnRedis:
    """A redis-server of one test's own on a loopback port, to stop and start again."""

    def __init__(self, folder):
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process = None

    def start(self):
        """Start the server on its port (the same one every time) and wait until it answers."""
        import redis

        self.process = subprocess.Popen(
            [shutil.which("redis-server"), "--port", str(self.port), "--bind", "127.0.0.1",
             "--save", "", "--appendonly", "no", "--dir", str(self.folder)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = redis.Redis(port=self.port, socket_connect_timeout=0.5)
        # The monotonic clock: a test may have frozen time.time() meanwhile.
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.exceptions.ConnectionError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"redis-server on port {self.port} did not start") from None
                time.sleep(0.05)
            finally:
                client.close()

    def cache_setting(self, caches, **options):
        """Return the CACHES setting `caches` with the default cache on this server."""
        options = {"socket_connect_timeout": 0.25, "socket_timeout": 0.5, **options}
        default = {"BACKEND": "caching.backends.RedisCache", "LOCATION": self.url}
        return {**caches, "default": {**default, "OPTIONS": options}}

    def stop(self, *, keep_data=False):
        """Stop the server by its PID; with `keep_data`, it starts again with what it held."""
        if keep_data:
            import redis

            redis.Redis(port=self.port).save()
        self.process.terminate()
        self.process.wait(timeout=10)
        self.process = None


@contextmanager
def own_redis():
    """Yield a running OwnRedis on a free loopback port; stop it at the end."""
    import pytest

    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    folder = Path(tempfile.mkdtemp(prefix="portal-redis-"))
    server = OwnRedis(folder)
    server.start()
    try:
        yield server
    finally:
        if server.process is not None:
            server.stop()
        shutil.rmtree(folder, ignore_errors=True)


def migrated_env(database_url, **settings):
    """Return the environment for app-server processes on a fresh Redis and `database_url`.

    The suite's own Django settings are left out; `settings` adds or overrides
    variables (rate limits, allowed hosts). The database is migrated.
    """
    redis_or_skip().flushdb()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        **settings,
    }
    manage(env, "migrate", "-v0")
    return env


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env, *args):
    """Run a management command against the servers' database; return its output."""
    return subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env, cwd=ROOT, check=True, capture_output=True, text=True, timeout=120,
    ).stdout  # fmt: skip


@contextmanager
def servers(env, count=2):
    """Start `count` app servers on free loopback ports; yield their base URLs."""
    started = []
    try:
        for _ in range(count):
            port = free_port()
            process = subprocess.Popen(
                [sys.executable, str(ROOT / "manage.py"), "runserver", "--noreload",
                 "--nothreading", f"127.0.0.1:{port}"],
                env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            )  # fmt: skip
            started.append((f"http://127.0.0.1:{port}", process))
        for base, process in started:
            _wait_until_up(base, process)
        yield [base for base, _ in started]
    finally:
        for _, process in started:
            process.terminate()
            process.wait(timeout=10)


@contextmanager
def production_server(env):
    """Run `make serve` (gunicorn, debug off) on a free port; yield (base URL, master pid)."""
    port = free_port()
    folder = Path(tempfile.mkdtemp(prefix="portal-serve-"))
    env = {
        **env,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_CMD_ARGS": f"--pid {folder / 'gunicorn.pid'}",
        "DJANGO_SECRET_KEY": "test-production-server-key",
    }
    with open(folder / "server.log", "wb") as log:
        process = subprocess.Popen(
            [shutil.which("make"), "--silent", "serve"], env=env, cwd=ROOT,
            stdout=subprocess.DEVNULL, stderr=log, start_new_session=True,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(base, process, timeout=120, log=folder / "server.log")
        yield base, int((folder / "gunicorn.pid").read_text())
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=60)


def workers_of(master):
    """Return the pids of a gunicorn master's workers."""
    children = Path(f"/proc/{master}/task/{master}/children").read_text()
    return sorted(int(pid) for pid in children.split())


def query(env, code):
    """Run Python in `manage.py shell` against the servers' database; return its JSON output."""
    return json.loads(manage(env, "shell", "-c", code).strip().splitlines()[-1])


def _wait_until_up(base, process, timeout=20, log=None):
    """Wait until `base` answers /healthz, at most `timeout` seconds; fail if `process` ends."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(log.read_text() if log else process.stderr.read().decode())
        try:
            with urllib.request.urlopen(f"{base}/healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"{base} did not answer within {timeout} s")


class _LoopbackPolicy(DefaultCookiePolicy):
    """Send cookies marked Secure over plain HTTP: production settings on loopback."""

    def return_ok_secure(self, cookie, request):
        return True


class Browser:
    """A cookie jar and an opener: one browser session, usable against any server."""

    def __init__(self):
        self.cookies = CookieJar(policy=_LoopbackPolicy())
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def get(self, url):
        """Return (status, final URL, body)."""
        try:
            response = self.opener.open(url, timeout=10)
        except urllib.error.HTTPError as error:
            return error.code, url, error.read().decode()
        return response.status, response.url, response.read().decode()

    def post_form(self, url, data):
        """GET the form for its CSRF token, POST `data`; return (status, final URL, body)."""
        _, _, page = self.get(url)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        return self.post(url, {"csrfmiddlewaretoken": token, **data})

    def post_with_fetched_token(self, url, data, token_url):
        """POST `data` with a token from `token_url`, as static/js/csrf.js does on a cached page."""
        _, _, answer = self.get(token_url)
        return self.post(url, {"csrfmiddlewaretoken": json.loads(answer)["token"], **data})

    def post(self, url, data):
        """POST `data` as it is; return (status, final URL, body)."""
        body = urllib.parse.urlencode(data).encode()
        try:
            response = self.opener.open(url, data=body, timeout=10)
        except urllib.error.HTTPError as error:
            return error.code, url, error.read().decode()
        return response.status, response.url, response.read().decode()


EDGE_VCL = ROOT / "deploy" / "varnish" / "portal.vcl"


def edge_vcl(backend_base_url, *, purgers=None, probe_interval=None):
    """Return deploy/varnish/portal.vcl with its backend at `backend_base_url`.

    `purgers` replaces the addresses of the purge ACL; `probe_interval` (seconds)
    the health probe's interval, so a test sees a backend fall sick quickly.
    """
    backend = urllib.parse.urlsplit(backend_base_url)
    vcl = EDGE_VCL.read_text()
    vcl = _substitute(r'(?m)^(    \.host = )"[^"]*";', rf'\g<1>"{backend.hostname}";', vcl)
    vcl = _substitute(r'(?m)^(    \.port = )"[^"]*";', rf'\g<1>"{backend.port or 80}";', vcl)
    if purgers is not None:
        addresses = "".join(f'    "{address}";\n' for address in purgers)
        vcl = _substitute(r"(?ms)^(acl purgers \{\n).*?^\}", rf"\g<1>{addresses}}}", vcl)
    if probe_interval is not None:
        vcl = _substitute(r"(?m)^(        \.interval = )[^;]*;", rf"\g<1>{probe_interval}s;", vcl)
    return vcl


def _substitute(pattern, replacement, text):
    text, count = re.subn(pattern, replacement, text, count=1)
    if count != 1:
        raise ValueError(f"{EDGE_VCL.name} no longer matches {pattern!r}")
    return text


def varnishd_or_skip():
    """Return the path of varnishd; skip the test when it is not installed."""
    import pytest

    path = shutil.which("varnishd", path=f"{os.environ.get('PATH', '')}:/usr/sbin:/sbin")
    if path is None:
        pytest.skip("no varnishd (Debian packages varnish and varnish-modules)")
    return path


@contextmanager
def edge_cache(backend_base_url, *, purgers=None, probe_interval=None, port=None):
    """Run Varnish with deploy/varnish/portal.vcl in front of `backend_base_url`.

    Yield its base URL on loopback `port` (default: a free one); `purgers` and
    `probe_interval` as for edge_vcl(). Skips the test when varnishd or the
    xkey vmod is missing.
    """
    varnishd = varnishd_or_skip()
    folder = Path(tempfile.mkdtemp(prefix="portal-edge-"))
    # varnishd started as root runs its cache process as an unprivileged user.
    folder.chmod(0o755)
    vcl = folder / "portal.vcl"
    vcl.write_text(edge_vcl(backend_base_url, purgers=purgers, probe_interval=probe_interval))
    port = port or free_port()
    log = folder / "varnishd.log"
    with open(log, "wb") as output:
        process = subprocess.Popen(
            [varnishd, "-F", "-n", str(folder / "work"), "-a", f"127.0.0.1:{port}",
             "-f", str(vcl), "-s", "malloc,64m", "-T", "none",
             "-p", "thread_pools=1", "-p", "thread_pool_min=5", "-p", "thread_pool_max=100",
             "-p", "vsl_space=1M"],
            stdin=subprocess.DEVNULL, stdout=output, stderr=subprocess.STDOUT,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        _wait_until_edge_answers(base, process, log)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


def _wait_until_edge_answers(base, process, log, timeout=20):
    """Wait until Varnish answers a request of its own (a PURGE it refuses or rejects)."""
    address = urllib.parse.urlsplit(base)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = log.read_text(errors="replace")
            if "Could not find VMOD xkey" in output:
                import pytest

                pytest.skip(f"varnishd cannot load the xkey vmod (varnish-modules): {output}")
            raise RuntimeError(f"varnishd exited:\n{output}")
        connection = http.client.HTTPConnection(address.hostname, address.port, timeout=1)
        try:
            connection.request("PURGE", "/")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.05)
        finally:
            connection.close()
    raise RuntimeError(f"varnishd did not answer on {base}:\n{log.read_text(errors='replace')}")
