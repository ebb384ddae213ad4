"""Count the CPU instructions one request costs, for the floor and the article page.

    .venv/bin/python bench/instructions.py            # 100 requests of each kind
    .venv/bin/python bench/instructions.py --requests 300
    .venv/bin/python bench/instructions.py --kinds floor article_rendered

Timings on a shared machine move with its load; instruction counts do not.
Each kind runs twice under `valgrind --tool=callgrind` (Debian's valgrind),
in a fresh process calling Django's WSGI handler directly (no server, no
network but Redis): once with the warm-up alone, once with the warm-up and N
requests. The difference over N is what one request costs in this process.
Redis's own work is not counted. The processes run as many at a time as the
machine has cores (counts do not depend on the load), each with a Redis
database of its own.

Kinds: the floor (/bench/floor/), an article from the page cache, and an
article rendered for the request (a query parameter the view does not read)
with its fragments cached, each for a reader without a session whose browser
accepts gzip, on the production settings (debug off) with Redis databases 13
downwards as the cache, each flushed before its process. The database is a
2,000-article SQLite file built on first use in bench/.data/.
"""

import argparse
import concurrent.futures
import io
import os
import queue
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DB = ROOT / "bench" / ".data" / "instructions-2000.sqlite3"
REDIS_URL = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/13")  # and the ones below
KINDS = ("floor", "article_cached", "article_rendered")
ENVIRONMENT = {
    "DJANGO_SETTINGS_MODULE": "bench.settings",
    "DATABASE_URL": f"sqlite:///{DB}",
    "DJANGO_DEBUG": "0",
    "DJANGO_SECURE_SSL_REDIRECT": "0",
    "DJANGO_SECRET_KEY": "instructions-bench-" + "x" * 40,
    "REDIS_URL": REDIS_URL,
    "DJANGO_LOG_LEVEL": "WARNING",
    "PYTHONHASHSEED": "0",  # the same dictionaries, so the same work, in every run
}


def requests_in_child(kind, count):
    """Warm up, then make `count` requests of `kind` (runs inside valgrind)."""
    import django

    django.setup()
    from django.core.handlers.wsgi import WSGIHandler

    application = WSGIHandler()
    with sqlite3.connect(DB) as connection:
        slugs = [row[0] for row in connection.execute(
            "SELECT slug FROM articles_article WHERE status = 'published' LIMIT 50")]  # fmt: skip
    chooser = random.Random(1)

    def get(path, query=""):
        statuses = []
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": path.encode().decode("latin-1"),  # as a WSGI server passes it
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1:8000",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.url_scheme": "http",
            "wsgi.input": io.BytesIO(),
            "wsgi.errors": sys.stderr,
            "HTTP_ACCEPT_ENCODING": "gzip, deflate, br",  # as browsers send it
        }
        b"".join(application(environ, lambda status, headers, *_: statuses.append(status)))
        if not statuses[0].startswith("200"):
            raise SystemExit(f"{path}?{query}: {statuses[0]}")

    visits = iter(range(1, 10**9))
    requests = {
        "floor": lambda: get("/bench/floor/"),
        "article_cached": lambda: get(f"/articles/{chooser.choice(slugs)}/"),
        "article_rendered": lambda: get(
            f"/articles/{chooser.choice(slugs)}/", f"visit={next(visits)}"
        ),
    }
    for _ in range(2):  # pages stored, fragments rendered, every lazy import done
        for slug in slugs:
            get(f"/articles/{slug}/")
            get(f"/articles/{slug}/", "visit=0")
            get("/bench/floor/")
    for _ in range(count):
        requests[kind]()


def instructions(kind, count, lane=0):
    """Run one child under callgrind; return the instructions it executed.

    Children running at the same time each get a `lane`: a Redis database of their own.
    """
    import redis

    server, database = REDIS_URL.rsplit("/", 1)
    redis_url = f"{server}/{int(database) - lane}"
    redis.Redis.from_url(redis_url).flushdb()
    with tempfile.TemporaryDirectory() as work:
        command = [
            "valgrind", "--tool=callgrind", f"--callgrind-out-file={work}/callgrind.out",
            sys.executable, __file__, "--child", kind, str(count),
        ]  # fmt: skip
        environment = {**os.environ, **ENVIRONMENT, "REDIS_URL": redis_url}
        result = subprocess.run(  # noqa: S603 (valgrind running this very script)
            command, cwd=ROOT, env=environment, capture_output=True, text=True
        )
    found = re.search(r"I\s+refs:\s+([\d,]+)", result.stderr)
    if result.returncode or not found:
        raise SystemExit(result.stderr[-3000:])
    return int(found.group(1).replace(",", ""))


def prepare():
    """Build the database on first use; collect the static files debug-off pages name."""
    environment = {**os.environ, **ENVIRONMENT, "DJANGO_SETTINGS_MODULE": "portal.settings"}
    if not DB.exists():
        DB.parent.mkdir(parents=True, exist_ok=True)
        command = [sys.executable, "bench/discovery.py", "--build", "2000"]
        subprocess.run(  # noqa: S603 (the project's own script)
            command, cwd=ROOT, env=environment, check=True, stdout=subprocess.DEVNULL
        )
    command = [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"]
    subprocess.run(command, cwd=ROOT, env=environment, check=True)  # noqa: S603 (the project's)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=KINDS)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.child:
        sys.path.insert(0, str(ROOT))
        requests_in_child(arguments.child[0], int(arguments.child[1]))
        return
    prepare()
    kinds = ["floor", *(kind for kind in arguments.kinds if kind != "floor")]
    runs = [(kind, count) for kind in kinds for count in (arguments.requests, 0)]
    lanes = queue.SimpleQueue()
    for lane in range(os.cpu_count() or 1):
        lanes.put(lane)

    def run(kind_and_count):
        lane = lanes.get()
        try:
            return instructions(*kind_and_count, lane=lane)
        finally:
            lanes.put(lane)

    with concurrent.futures.ThreadPoolExecutor(os.cpu_count()) as pool:
        counted = dict(zip(runs, pool.map(run, runs), strict=True))
    counts = {
        kind: (counted[kind, arguments.requests] - counted[kind, 0]) / arguments.requests
        for kind in kinds
    }
    print(f"Instructions per request ({arguments.requests} requests, callgrind):")
    print()
    print("| request | instructions | × floor |")
    print("| --- | ---: | ---: |")
    for kind, count in counts.items():
        print(f"| {kind} | {count / 1e6:.2f} million | {count / counts['floor']:.2f} |")


if __name__ == "__main__":
    main()
