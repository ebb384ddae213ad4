"""Two real server processes sharing Redis count one rate limit together."""

import os

import pytest

from tests.servers import REDIS_URL, Browser, manage, redis_or_skip, servers

LIMIT = 3
pytestmark = pytest.mark.redis


def test_sign_up_limit_holds_across_two_server_processes(tmp_path):
    redis_or_skip().flushdb()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))},
        "DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}",
        "REDIS_URL": REDIS_URL,
        "RATE_LIMIT_SIGNUPS_PER_HOUR": str(LIMIT),
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }
    manage(env, "migrate", "-v0")
    with servers(env) as (first, second):
        codes = []
        for n, base in enumerate([first, second] * 3):
            status, _, _ = Browser().post_form(
                f"{base}/accounts/signup/",
                {"username": f"user{n}", "email": f"user{n}@example.com",
                 "password1": "Pw-long-12345", "password2": "Pw-long-12345"},
            )  # fmt: skip
            codes.append(status)
    assert codes == [200] * LIMIT + [429] * (6 - LIMIT)
    count = manage(
        env,
        "shell",
        "-c",
        "from django.contrib.auth.models import User; print(User.objects.count())",
    )
    assert count.strip().splitlines()[-1] == str(LIMIT)
