"""What gzip costs a stored page, and what it saves.

    DATABASE_URL=sqlite:////tmp/lh.sqlite3 .venv/bin/python bench/compression.py

Needs a database with the demo content (`manage.py migrate && manage.py
seed_demo`). In one process, through the whole middleware stack, each page is
stored first, then asked for ROUNDS times by a client that accepts gzip and by
one that does not, alternately. It prints the page's size plain and gzipped,
the median time of a stored-page answer each way and the difference, and the
time of the compression alone (Django's compress_string, as GZipMiddleware
calls it).
"""

import os
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402
from django.utils.text import compress_string  # noqa: E402

ROUNDS = int(os.environ.get("ROUNDS", "500"))
HOST = {"HTTP_HOST": "127.0.0.1"}
GZIP = {**HOST, "HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}


def first_link(client, path, pattern):
    html = client.get(path, **HOST).content.decode()
    return re.search(pattern, html).group(1)


def median_ms(function, rounds):
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main():
    client = Client()
    pages = {
        "home": "/",
        "list": "/articles/",
        "article": first_link(client, "/articles/", r'href="(/articles/[^"?]+/)"'),
        "experiences": "/experiences/",
        "experience": first_link(client, "/experiences/", r'href="(/experiences/\d+/)"'),
    }
    print(f"{'page':12} {'plain':>8} {'gzip':>7} {'stored, plain':>14} {'stored, gzip':>13}"
          f" {'added':>8} {'compress alone':>15}")  # fmt: skip
    for name, path in pages.items():
        client.get(path, **HOST)  # stored
        plain = client.get(path, **HOST)
        zipped = client.get(path, **GZIP)
        assert plain["X-Cache"] == "HIT" and zipped["Content-Encoding"] == "gzip", name
        plain_ms, gzip_ms = [], []
        for _ in range(5):  # alternate, so both see the same machine conditions
            plain_ms.append(median_ms(lambda p=path: client.get(p, **HOST), ROUNDS // 5))
            gzip_ms.append(median_ms(lambda p=path: client.get(p, **GZIP), ROUNDS // 5))
        body = plain.content
        alone = median_ms(lambda b=body: compress_string(b, max_random_bytes=100), ROUNDS)
        plain_median, gzip_median = statistics.median(plain_ms), statistics.median(gzip_ms)
        print(
            f"{name:12} {len(body):>8,} {len(zipped.content):>7,} {plain_median:>11.3f} ms"
            f" {gzip_median:>10.3f} ms {gzip_median - plain_median:>+5.3f} ms {alone:>12.3f} ms"
        )


if __name__ == "__main__":
    main()
