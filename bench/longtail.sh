#!/usr/bin/env bash
# The long tail under content changes: anonymous readers over all the public
# articles of the 100k database, the popular ones far more often, while
# moderators and editors change content now and then; each mode compared with
# the floor (/bench/floor/) measured in the same round.
#
#   bench/longtail.sh                         # 3 rounds, 60 s warm-up + 60 s measured a mode
#   ROUNDS=3 WARMUP=30 DURATION=30 bench/longtail.sh
#   EDGE=1 bench/longtail.sh                  # Varnish in front (`make serve-edge`)
#   MODES=none bench/longtail.sh              # only the mode without changes
#
# Readers: 200,000 paths drawn once with a seeded generator (SEED, default 1):
# the public articles in a seeded random order, the article of rank r drawn
# with probability ∝ 1/r (Zipf, exponent 1). wrk requests them in the list's
# order, cycling (bench/longtail.lua), 32 connections, 2 threads.
#
# Each round measures the floor for DURATION s, then three modes in turn:
#   none     no content change;
#   every10  one change every 10 s;
#   every2   one change every 2 s.
# A change (bench/changes.py, a separate process on the same database and
# Redis) alternates between a moderator approving a pending experience linked
# to a random article and an editor saving a random public article, so the
# app's own change handling runs. Every mode starts from empty caches (Redis
# emptied, then `manage.py expire_pages`, which also purges Varnish when it is
# in front), replays the list from its start for WARMUP s (not counted), then
# goes on along the list for DURATION s (measured); the changes run throughout.
#
# The table gives, per mode, the median over the rounds (and the spread) of
# requests/s, p99, the share of responses with X-Cache: HIT (the app's page
# cache, or Varnish when in front; n/a when no response carried X-Cache),
# errors (non-2xx/3xx responses and socket errors), the ratio to the floor of
# the same round and the ratio to the no-change mode of the same round.
set -euo pipefail
cd "$(dirname "$0")/.."

WARMUP=${WARMUP:-60}
DURATION=${DURATION:-60}
ROUNDS=${ROUNDS:-3}
EDGE=${EDGE:-0}
EDGE_PORT=${EDGE_PORT:-8766}
SEED=${SEED:-1}
PATH_COUNT=200000
PENDING=2000  # experiences waiting for a moderator, topped up before the run
export REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/13}
# shellcheck source=bench/common.sh
. bench/common.sh

if [ "$EDGE" = 1 ] && [ "$SERVER" != gunicorn ]; then
  echo "EDGE=1 puts Varnish in front of \`make serve\` (gunicorn) only." >&2
  exit 1
fi
bench_prepare
bench_work
flush_redis

changes=""
stop_changes() {
  if [ -n "$changes" ]; then
    kill -TERM "$changes" 2>/dev/null || true
    wait "$changes" 2>/dev/null || true
    changes=""
  fi
}
cleanup_hooks+=(stop_changes)

if [ "$EDGE" = 1 ]; then
  export EDGE_BIND="127.0.0.1:$EDGE_PORT"
  # The changes process purges the edge cache as the server does.
  export FRONTEND_CACHE_URLS=${FRONTEND_CACHE_URLS:-http://$EDGE_BIND}
  base="http://$EDGE_BIND"
  start_server serve-edge "$base"
else
  base="http://127.0.0.1:$PORT"
  start_server serve "$base"
fi

# The readers' paths, and how many of the articles they reach.
PATHS_OUT="$work/longtail" COUNT=$PATH_COUNT SEED=$SEED $PYTHON manage.py shell <<'EOF' | tail -1 >"$work/paths.json"
import itertools, json, os, random
from django.urls import reverse
from articles.models import Article

rng = random.Random(int(os.environ["SEED"]))
slugs = list(Article.objects.published().order_by("pk").values_list("slug", flat=True))
rng.shuffle(slugs)  # the rank of each article
weights = itertools.accumulate(1 / rank for rank in range(1, len(slugs) + 1))
picks = rng.choices(slugs, cum_weights=list(weights), k=int(os.environ["COUNT"]))
urls = {slug: reverse("articles:detail", kwargs={"slug": slug}) for slug in set(picks)}
with open(os.environ["PATHS_OUT"], "w") as out:
    out.writelines(urls[slug] + "\n" for slug in picks)
print(json.dumps({"articles": len(slugs), "paths": len(picks), "distinct": len(urls)}))
EOF
echo "/bench/floor/" >"$work/floor"
changes_env=(env DJANGO_DEBUG=0 DJANGO_SECURE_SSL_REDIRECT=0)
"${changes_env[@]}" $PYTHON bench/changes.py --pending "$PENDING" --seed "$SEED" >"$work/pending.json"

# Every mode starts from the same empty caches: Redis emptied, then every
# stored page made out of date as a release does (the app keeps a version in
# Redis that it needs before it stores anything, and purges the edge cache).
fresh_caches() {
  flush_redis
  $PYTHON manage.py expire_pages >/dev/null
}

wrk_run() {  # PATHS_FILE START SECONDS: wrk's JSON summary
  PATHS_FILE=$1 START=$2 WRK_THREADS=$THREADS \
    wrk -t "$THREADS" -c "$CONNECTIONS" -d "${3}s" -s bench/longtail.lua "$base" | tail -1
}

for round in $(seq "$ROUNDS"); do
  result=$(wrk_run "$work/floor" 0 "$DURATION")
  echo "{\"mode\": \"floor\", \"round\": $round, \"result\": $result, \"changes\": null}" |
    tee -a "$work/results"
  sleep 2
  for mode in ${MODES:-none every10 every2}; do
    fresh_caches
    summary=null
    if [ "$mode" != none ]; then
      "${changes_env[@]}" $PYTHON bench/changes.py --every "${mode#every}" \
        --seconds $((WARMUP + DURATION + 30)) --seed "$((SEED * 1000 + round))" \
        >"$work/changes.out" 2>"$work/changes.err" &
      changes=$!
      for _ in $(seq 240); do
        grep -qx ready "$work/changes.out" && break
        kill -0 "$changes" 2>/dev/null || break
        sleep 0.5
      done
      grep -qx ready "$work/changes.out" || { cat "$work/changes.err" >&2; exit 1; }
    fi
    start=0
    if [ "$WARMUP" -gt 0 ]; then
      warmup=$(wrk_run "$work/longtail" 0 "$WARMUP")
      start=$(sed -n 's/.*"requests": \([0-9]*\).*/\1/p' <<<"$warmup")
    fi
    result=$(wrk_run "$work/longtail" "$start" "$DURATION")
    if [ -n "$changes" ]; then
      kill -TERM "$changes" 2>/dev/null || true  # it stops by itself on Ctrl-C
      wait "$changes" || { cat "$work/changes.err" >&2; exit 1; }
      changes=""
      summary=$(tail -1 "$work/changes.out")
    fi
    echo "{\"mode\": \"$mode\", \"round\": $round, \"result\": $result, \"changes\": $summary}" |
      tee -a "$work/results"
    sleep 2  # let the workers finish what the last run left queued
  done
done

$PYTHON - "$work/results" "$work/paths.json" "$work/pending.json" "$EDGE" \
  "$CONNECTIONS" "$WARMUP" "$DURATION" "$ROUNDS" <<'EOF'
import datetime, json, os, platform, statistics, sys
results, paths, pending, edge, connections, warmup, duration, rounds = sys.argv[1:]
paths, pending = json.load(open(paths)), json.load(open(pending))
runs = {}  # mode -> round -> run
for line in open(results):
    row = json.loads(line)
    runs.setdefault(row["mode"], {})[row["round"]] = row

def hit_rate(result):
    seen = result["x_cache"]
    if not seen:
        return None
    hits = sum(n for value, n in seen.items()
               if value.upper().startswith("HIT") and not value.upper().startswith("HIT-FOR"))
    return hits / max(result["responses"], 1)

def spread(values, form):
    low, mid, high = min(values), statistics.median(values), max(values)
    return f"{form.format(mid)} ({form.format(low)}–{form.format(high)})"

names = {"floor": "floor", "none": "no changes",
         "every10": "a change every 10 s", "every2": "a change every 2 s"}
floor = {r: run["result"]["rps"] for r, run in runs["floor"].items()}
still = {r: run["result"]["rps"] for r, run in runs.get("none", {}).items()}
print()
print(f"{datetime.date.today()} · {platform.node()} · {os.cpu_count()} cores · "
      f"{'Varnish in front of ' if edge == '1' else ''}gunicorn · {connections} connections · "
      f"{rounds} round{'s' * (rounds != '1')} × ({warmup} s warm-up + {duration} s) a mode")
print(f"readers: {paths['paths']:,} paths, Zipf(1.0) over {paths['articles']:,} public "
      f"articles ({paths['distinct']:,} of them in the list)")
print()
print("| mode | req/s | p99 ms | hit rate | errors | × floor | × no changes | changes a run, mean ms |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
for mode, by_round in runs.items():
    rows = list(by_round.values())
    rps = [row["result"]["rps"] for row in rows]
    p99 = statistics.median(row["result"]["p99_ms"] for row in rows)
    rates = [rate for row in rows if (rate := hit_rate(row["result"])) is not None]
    rate = f"{statistics.median(rates):.0%}" if rates else "n/a"
    errors = sum(row["result"]["non_2xx_3xx"] + row["result"]["socket_errors"] for row in rows)
    to_floor = [row["result"]["rps"] / floor[r] for r, row in by_round.items()]
    to_still = [row["result"]["rps"] / still[r] for r, row in by_round.items()
                if r in still and mode != "floor"]
    made = [row["changes"] for row in rows if row["changes"]]
    means = [c["mean_ms"] for c in made if c["mean_ms"] is not None]
    changed = "–"
    if made:
        changed = f"{statistics.median(c['changes'] for c in made):.0f}"
        changed += f", {statistics.median(means):.0f}" if means else ""
    print(f"| {names.get(mode, mode)} | {spread(rps, '{:,.0f}')} | {p99:.1f} | {rate} | {errors} "
          f"| {spread(to_floor, '{:.2f}')} | {spread(to_still, '{:.2f}') if to_still else '–'} "
          f"| {changed} |")
print()
print("Per round, requests/s of the floor and each mode × floor:")
print()
modes = [mode for mode in runs if mode != "floor"]
print("| round | floor | " + " | ".join(names[m] for m in modes) + " |")
print("| ---: | ---: |" + " ---: |" * len(modes))
for r in sorted(floor):
    cells = [f"{runs[m][r]['result']['rps'] / floor[r]:.2f}" if r in runs[m] else "–"
             for m in modes]
    print(f"| {r} | {floor[r]:,.0f} | " + " | ".join(cells) + " |")
print()
print(f"pending experiences before the run: {pending['pending']:,} "
      f"({pending['created']:,} created for it)")
EOF
