"""Two real server processes sharing Redis count one rate limit together."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
LIMIT = 3

pytestmark = pytest.mark.redis


def redis_or_skip():
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"no Redis at {REDIS_URL}")
    return client


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(base, process):
    for _ in range(100):
        if process.poll() is not None:
            raise RuntimeError(process.stderr.read().decode())
        try:
            urllib.request.urlopen(f"{base}/healthz", timeout=1)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{base} did not start")


@pytest.fixture
def two_servers(tmp_path):
    redis_or_skip().flushdb()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}",
        "REDIS_URL": REDIS_URL,
        "RATE_LIMIT_SIGNUPS_PER_HOUR": str(LIMIT),
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, cwd=ROOT, timeout=120)
    servers = []
    for _ in range(2):
        port = free_port()
        process = subprocess.Popen(
            [*manage, "runserver", "--noreload", "--nothreading", f"127.0.0.1:{port}"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        servers.append((f"http://127.0.0.1:{port}", process))
    try:
        for base, process in servers:
            wait_until_up(base, process)
        yield [base for base, _ in servers], env
    finally:
        for _, process in servers:
            process.terminate()
            process.wait(timeout=10)


def sign_up(base, username):
    """Sign up through a fresh browser session; return the HTTP status."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    page = opener.open(f"{base}/accounts/signup/", timeout=10).read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    data = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": token,
            "username": username,
            "email": f"{username}@example.com",
            "password1": "Pw-long-12345",
            "password2": "Pw-long-12345",
        }
    ).encode()
    try:
        return opener.open(f"{base}/accounts/signup/", data=data, timeout=10).status
    except urllib.error.HTTPError as error:
        return error.code


def test_sign_up_limit_holds_across_two_server_processes(two_servers):
    (first, second), env = two_servers
    codes = [sign_up(base, f"user{n}") for n, base in enumerate([first, second] * 3)]
    assert codes == [200] * LIMIT + [429] * (6 - LIMIT)
    count = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c",
         "from django.contrib.auth.models import User; print(User.objects.count())"],
        env=env, cwd=ROOT, capture_output=True, text=True, check=True, timeout=60,
    )  # fmt: skip
    assert count.stdout.strip().splitlines()[-1] == str(LIMIT)
