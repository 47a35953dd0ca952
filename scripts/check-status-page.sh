#!/usr/bin/env bash
# Renders the admin status page in headless Chromium (Debian's package) against Serai on its shipped
# demo routes after some traffic, checks that the page shows the routes and their backends, and writes
# a screenshot (default docs/status-page.png). Installs chromium with apt-get when it is missing.
# The admin listener runs as in the container (on every address, with a token): the page needs the
# token and gets it as a browser does after its login prompt (Basic, the token as the password; given
# here in the URL, which Chromium turns into that prompt's answer), and its own fetch of /routes must
# carry it too, or no route is rendered.
# Usage: scripts/check-status-page.sh [screenshot.png]
set -euo pipefail
cd "$(dirname "$0")/.."
shot=${1:-docs/status-page.png}
case "$shot" in /*) ;; *) shot="$PWD/$shot" ;; esac
PORT=18280 B1=18281 B2=18282 ADMIN=18290 REDIS=18291

# shellcheck source=bench/lib.sh
. bench/lib.sh
if ! need chromium; then
  echo "installing chromium with apt-get" >&2
  as_root=""; [ "$(id -u)" = 0 ] || as_root="sudo"
  $as_root apt-get update -qq && $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
[ -f target/serai.jar ] || ./mvnw -B -q package -DskipTests

work=$(mktemp -d)
cleanup() { [ -n "${pid:-}" ] && kill "$pid" 2>/dev/null || true; [ -n "${redis:-}" ] && kill "$redis" 2>/dev/null || true
  sleep 0.3; rm -rf "$work"; }
trap cleanup EXIT
# In shared mode, so that the page's Redis section is rendered too (docs/replicas.md).
need redis-server || { echo "redis-server is needed (apt-get install redis-server)" >&2; exit 1; }
redis-server --port $REDIS --bind 127.0.0.1 --save "" --appendonly no --dir "$work" > "$work/redis.log" 2>&1 &
redis=$!
token=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
SERAI_ADMIN_HOST=0.0.0.0 SERAI_ADMIN_TOKEN="$token" SERAI_REDIS_URL="redis://127.0.0.1:$REDIS" java -Dserai.port=$PORT -Ddemo.backend.1.port=$B1 \
  -Ddemo.backend.2.port=$B2 -Dserai.admin.port=$ADMIN -Dserai.access-log=off -jar target/serai.jar \
  > "$work/serai.log" 2>&1 &
pid=$!
await "http://127.0.0.1:$PORT/hello" 30 || { cat "$work/serai.log"; exit 1; }
status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$ADMIN/")
[ "$status" = 401 ] || { echo "the status page without the token answered $status, not 401" >&2; exit 1; }
for i in $(seq 1 40); do curl -s -o /dev/null "http://127.0.0.1:$PORT/hello"; done
for i in $(seq 1 5); do curl -s -o /dev/null "http://127.0.0.1:$PORT/profile/$i"; done

browser() { timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
  --user-data-dir="$work/profile" --virtual-time-budget=5000 "$@" 2>>"$work/chromium.log"; }
page="http://serai:$token@127.0.0.1:$ADMIN/"
browser --dump-dom "$page" > "$work/dom.html"
for expected in 'data-route="gateway"' 'data-route="demo-aggregate"' "http://127.0.0.1:$B1" "http://127.0.0.1:$B2" \
    'class="up"' 'class="redis"' "redis://127.0.0.1:$REDIS"; do
  grep -q "$expected" "$work/dom.html" || { echo "status page: \"$expected\" not rendered" >&2; cat "$work/dom.html" >&2; exit 1; }
done
mkdir -p "$(dirname "$shot")"
browser --screenshot="$shot" --window-size=1100,900 --hide-scrollbars "$page"
size=$(stat -c %s "$shot")
[ "$(head -c 8 "$shot" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || { echo "$shot is not a PNG" >&2; exit 1; }
[ "$size" -gt 20000 ] || { echo "$shot is only $size bytes: an empty page?" >&2; exit 1; }
echo "status page OK: refused without the token, routes, backends and Redis rendered by Chromium with it; screenshot $shot ($size bytes)"
