#!/usr/bin/env bash
# Lighthouse (mobile) on the main pages of the production configuration
# (`make serve`: debug off, collected static files, gunicorn) with the demo
# content. Prints, for each page, the median over RUNS runs of the four scores
# (performance, accessibility, best practices, SEO; the lowest run in brackets
# where it is lower: a busy machine costs performance a point now and then,
# through total blocking time), then every scored audit
# that fell short in any run, and the errors the Nu HTML checker finds in the
# same pages. Exits 1 when a median is below 100 or the checker finds an error.
#
#   bench/lighthouse.sh                # or `make lighthouse`; 3 runs a page
#   RUNS=5 bench/lighthouse.sh
#   PAGES="/ /articles/" bench/lighthouse.sh
#
# Pages (PAGES, paths; ARTICLE and EXPERIENCE stand for the first of each that
# the lists link to): the home page, the article list, an article, the
# experience list and an experience. Each is asked for once before Lighthouse
# runs, so it is measured as readers mostly get it: from the page cache.
#
# Needs node and Debian's Chromium (CHROME_PATH, default /usr/bin/chromium).
# Lighthouse is pinned in bench/lighthouse/package-lock.json and installed there
# on first use (about 110 MB), apart from the test tools, so `make test` does not
# download it. The database is a scratch SQLite file, seeded with `seed_demo`;
# the JSON reports stay in REPORTS (default: a new folder under /tmp).
set -euo pipefail
cd "$(dirname "$0")/.."

RUNS=${RUNS:-3}
PAGES=${PAGES:-"/ /articles/ ARTICLE /experiences/ EXPERIENCE"}
export CHROME_PATH=${CHROME_PATH:-/usr/bin/chromium}
REPORTS=${REPORTS:-$(mktemp -d "${TMPDIR:-/tmp}/lighthouse.XXXXXX")}
mkdir -p "$REPORTS"
PYTHON=.venv/bin/python
LIGHTHOUSE=bench/lighthouse/node_modules/.bin/lighthouse
# The network is closed here: keep Chromium from trying to phone home.
CHROME_FLAGS="--headless=new --no-sandbox --disable-gpu --disable-background-networking \
--disable-component-update --disable-sync --no-first-run"

[ -x "$CHROME_PATH" ] || { echo "no Chromium at $CHROME_PATH: apt-get install chromium" >&2; exit 1; }
command -v npm >/dev/null || { echo "bench/lighthouse.sh needs node and npm" >&2; exit 1; }
make --silent install
if [ ! bench/lighthouse/node_modules/.package-lock.json -nt bench/lighthouse/package-lock.json ]; then
  npm ci --prefix bench/lighthouse --no-audit --no-fund --silent
fi

work=$(mktemp -d)
server=""
nu_failed=0
cleanup() {
  if [ -n "$server" ]; then
    kill -- "-$server" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 -- "-$server" 2>/dev/null || break; sleep 0.2; done
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The demo content in a scratch database, one process's own cache, no edge cache.
unset REDIS_URL FRONTEND_CACHE_URLS
export DATABASE_URL="sqlite:///$work/demo.sqlite3" DJANGO_LOG_LEVEL=WARNING
DJANGO_DEBUG=1 $PYTHON manage.py migrate --noinput -v0
DJANGO_DEBUG=1 $PYTHON manage.py seed_demo >/dev/null
port=$($PYTHON -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
base="http://127.0.0.1:$port"
GUNICORN_BIND="127.0.0.1:$port" setsid make --silent serve >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 120); do
  curl -fs "$base/healthz" >/dev/null 2>&1 && break
  sleep 0.5
done
curl -fs "$base/healthz" >/dev/null || { cat "$work/server.log" >&2; exit 1; }

first_link() {  # the first link on page $1 matching the extended regex $2
  curl -fs "$base$1" | grep -oE "href=\"$2\"" | head -n 1 | cut -d'"' -f2
}

for page in $PAGES; do
  case $page in
    ARTICLE) path=$(first_link /articles/ '/articles/[^"?]+/') ;;
    EXPERIENCE) path=$(first_link /experiences/ '/experiences/[0-9]+/') ;;
    *) path=$page ;;
  esac
  name=$(echo "$path" | tr -c 'a-zA-Z0-9\n' '-' | sed 's/^-*//; s/-*$//')
  name=${name:-home}
  curl -fs -o "$work/$name.html" "$base$path"  # stored, as most readers get it
  for run in $(seq "$RUNS"); do
    echo "Lighthouse $run/$RUNS: $path" >&2
    # A busy machine sometimes spoils the trace (NO_NAVSTART): try again, twice.
    for try in 1 2 3; do
      if $LIGHTHOUSE "$base$path" --quiet --output=json --output-path="$REPORTS/$name.$run.json" \
        --only-categories=performance,accessibility,best-practices,seo \
        --chrome-flags="$CHROME_FLAGS"; then
        break
      fi
      [ "$try" -lt 3 ] || { echo "Lighthouse failed 3 times on $path" >&2; exit 1; }
    done
  done
done

# The same pages through the Nu HTML checker (vnu-jar from the test tools' npm ci).
vnu=node_modules/vnu-jar/build/dist/vnu.jar
if command -v java >/dev/null && [ -f "$vnu" ]; then
  if java -jar "$vnu" --errors-only --format gnu "$work"/*.html; then
    echo "Nu HTML checker: no errors in $(ls "$work"/*.html | wc -l) pages"
  else
    echo "Nu HTML checker: errors above"
    nu_failed=1
  fi
else
  echo "Nu HTML checker not run: it needs java and $vnu (npm ci)"
fi

$PYTHON - "$REPORTS" <<'EOF'
import json, statistics, sys
from collections import defaultdict
from pathlib import Path
from urllib.parse import unquote, urlsplit

CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
scores, short = defaultdict(lambda: defaultdict(list)), defaultdict(set)
for report in sorted(Path(sys.argv[1]).glob("*.json"), key=lambda path: path.stat().st_mtime):
    result = json.loads(report.read_text())
    page = unquote(urlsplit(result["requestedUrl"]).path)
    for name in CATEGORIES:
        category = result["categories"][name]
        scores[page][name].append(round(category["score"] * 100))
        for ref in category["auditRefs"]:
            audit = result["audits"][ref["id"]]
            if ref["weight"] > 0 and audit["score"] is not None and audit["score"] < 1:
                value = audit.get("displayValue") or audit["score"]
                short[page].add(f"{name}: {ref['id']} ({value})")
# The median of each category, and the lowest run in brackets where it differs.
print(f"{'page':44} {'perf':>9} {'a11y':>9} {'best':>9} {'seo':>9}")
below = False
for page, by_category in scores.items():
    cells = []
    for name in CATEGORIES:
        median, lowest = statistics.median(by_category[name]), min(by_category[name])
        below = below or median < 100
        cells.append(f"{median:g}" + (f" ({lowest})" if lowest < median else ""))
    print(f"{page:44} " + " ".join(f"{cell:>9}" for cell in cells))
for page, audits in short.items():
    for audit in sorted(audits):
        print(f"  {page}: {audit}")
print(f"(median of {len(next(iter(scores.values()))['seo'])} runs; reports in {sys.argv[1]})")
sys.exit(1 if below else 0)
EOF
exit "$nu_failed"
