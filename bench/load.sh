#!/usr/bin/env bash
# Load the production configuration (`make serve`) with wrk and compare each
# page with the cheapest view the same server can answer (the floor).
#
#   bench/load.sh                 # 3 rounds of 10 s per page, 32 connections
#   ROUNDS=5 DURATION=20 bench/load.sh
#   SERVER=granian bench/load.sh  # the same pages served by granian
#   PAGES="floor article_uncached" bench/load.sh
#   EDGE=1 bench/load.sh          # through Varnish in front (`make serve-edge`)
#
# The database is the discovery benchmark's 100k-article SQLite file, built
# on first use into bench/.data/ (about 4 minutes). Redis holds the cache and
# sessions. Pages are measured in turn within each round, so every page sees
# the same machine conditions; the table gives the median over the rounds.
#
# Pages: the floor (/bench/floor/, bench/urls.py), the home page, the article
# list, and the article page four ways, for a random one of 1,000 articles:
# from the page cache (warmed first); not from the page cache (a query
# parameter the view does not read, so the page is rendered for the request
# and not stored), with the page's fragments cached; for a signed-in reader
# (the stored page every reader gets, with their session cookie); and cold, a
# random one of all 100k, not from the page cache and mostly without
# fragments. Then what a signed-in reader's page asks for besides
# (`/reader/?article=…`, never stored), and a search. With EDGE=1 every
# request goes through Varnish, the floor included (the app marks it private:
# Varnish passes it on), so the ratios say what the edge cache adds.
#
# Each row gives the median over the rounds of requests/s and p99, and the
# median (and spread) of the ratio to the floor of the same round.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10}
ROUNDS=${ROUNDS:-3}
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/14}
# shellcheck source=bench/common.sh
. bench/common.sh

EDGE=${EDGE:-0}
EDGE_PORT=${EDGE_PORT:-8766}

bench_prepare
bench_work
flush_redis
if [ "$EDGE" = 1 ]; then
  export EDGE_BIND="127.0.0.1:$EDGE_PORT" FRONTEND_CACHE_URLS="http://127.0.0.1:$EDGE_PORT"
  base="http://$EDGE_BIND"
  start_server serve-edge "$base"
else
  base="http://127.0.0.1:$PORT"
  start_server serve "$base"
fi

# One file of paths per page; wrk.lua picks one at random for each request.
$PYTHON - "$DB" "$work" <<'EOF'
import random, sqlite3, sys, urllib.parse
from pathlib import Path
db, work = sys.argv[1], Path(sys.argv[2])
rows = list(sqlite3.connect(db).execute(
    "SELECT slug, id FROM articles_article WHERE status = 'published'"))
slugs = [row[0] for row in rows]
rng = random.Random(1)
article = lambda slug: f"/articles/{urllib.parse.quote(slug)}/\n"
(work / "floor").write_text("/bench/floor/\n")
(work / "home").write_text("/\n")
(work / "list").write_text("/articles/\n")
hot = "".join(article(s) for s in rng.sample(slugs, 1000))
(work / "article_cached").write_text(hot)
(work / "article_uncached").write_text(hot)
(work / "article_signed_in").write_text(hot)
(work / "article_cold").write_text("".join(article(s) for s in slugs))
ids = dict(rows)
(work / "reader_state").write_text(
    "".join(f"/reader/?article={ids[s]}\n" for s in rng.sample(slugs, 1000)))
queries = ["通讯录", "征信", "网贷 逾期", "协商还款", "律师函"]
(work / "search").write_text("".join(f"/search/?q={urllib.parse.quote(q)}\n" for q in queries))
EOF
read -r -a PAGES <<<"${PAGES:-floor home list article_cached article_uncached article_signed_in article_cold reader_state search}"
# A signed-in reader's cookies: a real session, and a CSRF cookie as a browser keeps.
SESSION=$($PYTHON manage.py shell <<'EOF' | tail -1
from django.contrib.auth import get_user_model
from django.test import Client

user, _ = get_user_model().objects.get_or_create(username="load-bench-reader")
client = Client()
client.force_login(user)
print(f"sessionid={client.cookies['sessionid'].value}; csrftoken={'b' * 32}")
EOF
)
curl -fs -b "$SESSION" "$base$(head -1 "$work/reader_state")" | grep -q '"signed_in": true' ||
  { echo "The benchmark's reader is not signed in." >&2; exit 1; }

# Fill the page cache (and Varnish) before each cached page's run, and the fragments of the
# 1,000 articles before each rendered run (shared through Redis; each worker
# also keeps the last 1,000 fragments it used in its own memory).
warm_pages() {
  sed "s|^|$base|" "$work/$1" | xargs -n 1 -P 4 curl -fs -o /dev/null
}
warm_fragments() {  # five passes, so that every worker has seen each page
  for pass in 1 2 3 4 5; do
    sed "s|^|$base|; s|\$|?warm=$pass-$RANDOM|" "$work/article_uncached" |
      xargs -n 1 -P 4 curl -fs -o /dev/null
  done
}

for round in $(seq "$ROUNDS"); do
  for page in "${PAGES[@]}"; do
    cookie="" unique=0
    case $page in
      home | list | article_cached) warm_pages "$page" ;;
      article_uncached) unique=1 && warm_fragments ;;
      article_signed_in) cookie=$SESSION && warm_pages "$page" ;;
      reader_state) cookie=$SESSION ;;
      article_cold) unique=1 ;;
    esac
    result=$(PATHS_FILE="$work/$page" COOKIE="$cookie" UNIQUE=$unique \
      wrk -t "$THREADS" -c "$CONNECTIONS" -d "${DURATION}s" -s bench/wrk.lua "$base" | tail -1)
    echo "{\"page\": \"$page\", \"round\": $round, \"result\": $result}" | tee -a "$work/results"
    sleep 2  # let the workers finish what the last run left queued
  done
done

memory=$(ps -o rss= --ppid "$(cat "$work/server.pid")" | tr '\n' ' ')

edge=$([ "$EDGE" = 1 ] && echo "through Varnish" || echo "no edge cache")
$PYTHON - "$work/results" "$memory" "$CONNECTIONS" "$DURATION" "$ROUNDS" "$SERVER" "$edge" <<'EOF'
import json, platform, os, statistics, sys, datetime
results, memory, connections, duration, rounds, server, edge = sys.argv[1:]
rows, floors = {}, {}
for line in open(results):
    row = json.loads(line)
    rows.setdefault(row["page"], []).append(row)
    if row["page"] == "floor":
        floors[row["round"]] = row["result"]["rps"]
print()
print(f"{datetime.date.today()} · {platform.node()} · {os.cpu_count()} cores · "
      f"{server}, {edge} · {connections} connections · {rounds} × {duration} s")
print()
print("| page | req/s (median) | p99 ms | errors | × floor of the round: median (min–max) |")
print("| --- | ---: | ---: | ---: | ---: |")
for page, runs in rows.items():
    rps = statistics.median(r["result"]["rps"] for r in runs)
    p99 = statistics.median(r["result"]["p99_ms"] for r in runs)
    errors = sum(r["result"]["non_2xx_3xx"] + r["result"]["socket_errors"] for r in runs)
    ratios = [r["result"]["rps"] / floors[r["round"]] for r in runs if r["round"] in floors]
    spread = f"{statistics.median(ratios):.2f} ({min(ratios):.2f}–{max(ratios):.2f})" if ratios else "n/a"
    print(f"| {page} | {rps:,.0f} | {p99:.1f} | {errors} | {spread} |")
rss = [int(kb) / 1024 for kb in memory.split()]
print()
print(f"worker memory (RSS) after the run: {', '.join(f'{mb:.0f} MB' for mb in rss)}")
EOF
