#!/usr/bin/env bash
# Checks the container image's contents without a container engine: builds the same jlink runtime
# (docker/modules, same flags) and the same layout as the Dockerfile into target/image, makes it
# read-only, starts Serai from it as a non-root user (uid 65532, as the image's USER) with only a tmp
# dir writable and the image's admin settings (0.0.0.0, a token), and checks that the demo, /health/live
# and /metrics answer, that /routes needs the token, and that nothing was written in the layout. Prints
# the layout's size. Run as root it switches user with setpriv; otherwise it runs as the current
# (non-root) user.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=18380 B1=18381 B2=18382 ADMIN=18390 REDIS=18391

# shellcheck source=bench/lib.sh
. bench/lib.sh
[ -f target/serai.jar ] || ./mvnw -B -q package -DskipTests

image=target/image
chmod -R u+w "$image" 2>/dev/null || true
rm -rf "$image"
mkdir -p "$image/opt" "$image/app" "$image/etc/serai"
jlink --add-modules "$(cat docker/modules)" --strip-debug --no-man-pages --no-header-files --compress=2 \
  --output "$image/opt/jre"
cp target/serai.jar "$image/app/serai.jar"
cp -r target/lib "$image/app/lib"
# As the Dockerfile: Brotli4j's native library for this machine's architecture in app/native.
arch=$(uname -m)
mkdir "$image/app/native"
(cd "$image/app/native" && jar xf "$OLDPWD/target/lib/native-linux-$arch-"*.jar "lib/linux-$arch/libbrotli.so" \
  && mv "lib/linux-$arch/libbrotli.so" . && rm -r lib)
cp docker/jvm.options "$image/app/jvm.options"
cp -r routes "$image/etc/serai/routes"
# As the Dockerfile: the runtime's CDS archive, then Serai's AppCDS archive made from the layout's jar.
"$image/opt/jre/bin/java" -Xshare:dump -XX:-UsePerfData > /dev/null
(cd "$image/app" && java "$OLDPWD/scripts/AppCdsArchive.java" "$PWD/../opt/jre/bin/java" serai.jar serai.jsa \
  jvm.options "$OLDPWD/routes")
[ -f "$image/app/serai.jsa" ] || { echo "no AppCDS archive was made for the image" >&2; exit 1; }
chmod -R a+rX,a-w "$image"

tmp=$(mktemp -d)
chmod 1777 "$tmp"
stamp="$tmp/started"
touch "$stamp"
run_as=()
if [ "$(id -u)" = 0 ]; then
  need setpriv || { echo "setpriv (util-linux) is needed to drop root" >&2; exit 1; }
  run_as=(setpriv --reuid=65532 --regid=65532 --clear-groups)
fi
log="$tmp/serai.log"
# Shared mode in the image's runtime too: the jlink modules must carry Lettuce (docs/replicas.md).
need redis-server || { echo "redis-server is needed (apt-get install redis-server)" >&2; exit 1; }
redis-server --port $REDIS --bind 127.0.0.1 --save "" --appendonly no --dir "$tmp" > "$tmp/redis.log" 2>&1 &
redis_pid=$!
token=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
(
  cd "$image/app"
  # As the Dockerfile's ENV and the README's docker run line: admin on every address, a token given.
  exec env -i PATH=/usr/bin:/bin SERAI_ROUTES="$PWD/../etc/serai/routes" SERAI_ADMIN_HOST=0.0.0.0 \
    SERAI_ADMIN_TOKEN="$token" SERAI_REDIS_URL="redis://127.0.0.1:$REDIS" \
    "${run_as[@]}" "$PWD/../opt/jre/bin/java" @jvm.options -Djava.io.tmpdir="$tmp" \
    -Dserai.port=$PORT -Ddemo.backend.1.port=$B1 -Ddemo.backend.2.port=$B2 -Dserai.admin.port=$ADMIN \
    -jar serai.jar
) > "$log" 2>&1 &
pid=$!
trap 'kill $pid $redis_pid 2>/dev/null || true; sleep 0.3; chmod -R u+w "$image"; rm -rf "$tmp"' EXIT
await "http://127.0.0.1:$PORT/hello" 30 || { cat "$log"; exit 1; }
curl -sf "http://127.0.0.1:$PORT/hello" | grep -q '"backend":"demo-' || { echo "demo did not answer" >&2; exit 1; }
curl -sf "http://127.0.0.1:$ADMIN/health/live" | grep -q '"status":"UP"' || { echo "/health/live not UP" >&2; exit 1; }
metrics=$(curl -sf "http://127.0.0.1:$ADMIN/metrics") || { echo "/metrics is not open" >&2; exit 1; }
grep -q '^serai_requests_total' <<<"$metrics" || { echo "/metrics has no serai_requests_total" >&2; exit 1; }
for i in $(seq 1 100); do
  curl -sf "http://127.0.0.1:$ADMIN/metrics" | grep -q '^serai_redis_up 1' && break
  [ "$i" -lt 100 ] || { echo "Serai in the image did not connect to Redis:" >&2; cat "$log" >&2; exit 1; }
  sleep 0.1
done
status=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$ADMIN/routes")
[ "$status" = 401 ] || { echo "/routes without the token answered $status, not 401" >&2; exit 1; }
curl -sf -H "Authorization: Bearer $token" "http://127.0.0.1:$ADMIN/routes" | grep -q '"id":"gateway"' \
  || { echo "/routes with the token did not list the routes" >&2; exit 1; }
"$image/opt/jre/bin/java" -cp "$image/app/serai.jar" io.serai.HealthProbe "http://127.0.0.1:$ADMIN/health/live" \
  || { echo "the HEALTHCHECK probe failed" >&2; exit 1; }
written=$(find "$image" -newer "$stamp" | head -5)
[ -z "$written" ] || { echo "Serai wrote inside the image layout: $written" >&2; exit 1; }
# The subshell execs env, setpriv and java in turn: $pid is Serai itself.
grep -q 'serai\.jsa' "/proc/$pid/maps" || { echo "Serai did not map its AppCDS archive" >&2; exit 1; }
uid=$(awk '/^Uid:/ {print $2}' "/proc/$pid/status")
[ "$uid" != 0 ] || { echo "Serai ran as root" >&2; exit 1; }
echo "image layout OK: AppCDS archive mapped, shared mode connects to Redis, demo, /health/live and /metrics answer, /routes needs the token, uid $uid, nothing written outside $tmp"
echo "layout size: $(du -sh "$image" | cut -f1) (runtime $(du -sh "$image/opt/jre" | cut -f1), app $(du -sh "$image/app" | cut -f1))"
