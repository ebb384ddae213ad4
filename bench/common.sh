# shellcheck shell=bash
# Shared by bench/load.sh and bench/longtail.sh, sourced from the project root
# with REDIS_URL set to the Redis database the run may empty.
#
# bench_prepare: wrk and the virtualenv are there, the 100k-article database
#   exists (built on first use, about 4 minutes), and the environment names it
#   and the settings with the floor view (bench/settings.py).
# bench_work: a temporary folder in $work, removed on exit; on exit, also on
#   Ctrl-C, the server is stopped and Redis emptied (the run leaves thousands
#   of pages stored once). Functions named in cleanup_hooks run first.
# start_server TARGET URL: `make TARGET` (or granian, SERVER=granian) in its own
#   process group, so that cleanup stops it and its workers; returns once URL
#   answers /healthz.

SERVER=${SERVER:-gunicorn}  # or granian, for the comparison
GRANIAN_VERSION=2.8.7
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
PORT=${PORT:-8765}
DB=${DB:-bench/.data/load-100k.sqlite3}
PYTHON=.venv/bin/python
server=""
work=""
cleanup_hooks=()

bench_prepare() {
  command -v wrk >/dev/null || { echo "wrk is missing: apt-get install wrk" >&2; exit 1; }
  make --silent install
  mkdir -p "$(dirname "$DB")"
  DB=$(realpath "$DB")
  export DATABASE_URL="sqlite:///$DB" DJANGO_SETTINGS_MODULE=bench.settings
  export GUNICORN_BIND="127.0.0.1:$PORT" DJANGO_LOG_LEVEL=WARNING
  # The key `make serve` uses, so that sessions made here are valid there.
  export DJANGO_SECRET_KEY=${DJANGO_SECRET_KEY:-local-serve-$(hostname)-not-for-the-internet}
  if [ ! -f "$DB" ]; then
    echo "Building the 100k-article database in $DB …" >&2
    DJANGO_SETTINGS_MODULE=portal.settings $PYTHON bench/discovery.py --build 100000 >&2
  fi
}

flush_redis() {
  $PYTHON -c 'import sys, redis; redis.Redis.from_url(sys.argv[1]).flushdb()' "$REDIS_URL"
}

cleanup() {
  local hook
  for hook in "${cleanup_hooks[@]}"; do "$hook" || true; done
  if [ -n "$server" ]; then
    kill -- "-$server" 2>/dev/null || true
    # Workers finish the requests under way, and may store pages, before they exit.
    for _ in $(seq 50); do kill -0 -- "-$server" 2>/dev/null || break; sleep 0.2; done
  fi
  flush_redis
  if [ -n "$work" ]; then rm -rf "$work"; fi
}

bench_work() {
  work=$(mktemp -d)
  trap cleanup EXIT
  # wrk stops cleanly on Ctrl-C, so the shell would carry on with the next run.
  trap 'exit 130' INT TERM
}

start_server() {
  local target=$1 url=$2
  if [ "$SERVER" = gunicorn ]; then
    GUNICORN_CMD_ARGS="--pid $work/server.pid" setsid make --silent "$target" >"$work/server.log" 2>&1 &
    server=$!
  else
    # The alternative measured against gunicorn (docs/performance.md): the same
    # configuration, the same number of workers, served by granian.
    .venv/bin/pip install --quiet "granian==$GRANIAN_VERSION"
    export DJANGO_DEBUG=0 DJANGO_SECURE_SSL_REDIRECT=0
    $PYTHON manage.py collectstatic --noinput -v0
    setsid .venv/bin/granian --interface wsgi --workers "$($PYTHON -c 'import os; print(os.cpu_count() + 1)')" \
      --host 127.0.0.1 --port "$PORT" portal.wsgi:application >"$work/server.log" 2>&1 &
    server=$!
    echo "$server" >"$work/server.pid"
  fi
  for _ in $(seq 200); do
    curl -fs "$url/healthz" >/dev/null 2>&1 && break
    sleep 0.5
  done
  curl -fs "$url/healthz" >/dev/null || { cat "$work/server.log" >&2; exit 1; }
}
