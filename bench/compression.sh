#!/usr/bin/env bash
# Compression at the edge on a 16 KiB JSON body: Serai (compression=true, the shipped levels or
# SERAI_GZIP_LEVEL / SERAI_BROTLI_QUALITY) against nginx (gzip on; gzip_comp_level at the same level; the
# nginx here has no brotli module), in front of one nginx backend serving the same file. Also Serai's cache
# hits with compression on: the cache stores the backend's identity body, so each hit is compressed anew;
# the per-encoding-variant alternative is costed from the measured sizes.
# Each proxy is pinned to core 0; wrk and the backend share core 1. Keep-alive, BENCH_CONNECTIONS (32).
# Prints per load: req/s, CPU us per request (user+system of the proxy process) and bytes on the wire per
# response. Settings: BENCH_SECONDS (5), BENCH_ROUNDS (2), BENCH_WARMUP_SECONDS (45).
set -euo pipefail
cd "$(dirname "$0")/.."

SECS=${BENCH_SECONDS:-5}
ROUNDS=${BENCH_ROUNDS:-2}
WARMUP=${BENCH_WARMUP_SECONDS:-45}
CONNS=${BENCH_CONNECTIONS:-32}
GZIP_LEVEL=${SERAI_GZIP_LEVEL:-5}
BROTLI_QUALITY=${SERAI_BROTLI_QUALITY:-4}
NGINX_PORT=18280 SERAI_PORT=18281 CACHED_PORT=18282 ADMIN_PORT=18283 BACKEND=19201

# shellcheck source=bench/lib.sh
. bench/lib.sh
ensure_tools
pin_cpus
build_serai
open_work

# A page of an API's answer: objects with ids, names, prices and dates, 16384 bytes (valid JSON).
python3 - "$work/16k.json" <<'PY'
import json, random, sys
random.seed(24)
words = "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa".split()
items, out = [], ""
while True:
    items.append({"id": 100000 + len(items) * 7, "sku": "SKU-%06d" % random.randrange(10**6),
                  "name": " ".join(random.choice(words) for _ in range(3)), "price": round(random.uniform(1, 500), 2),
                  "currency": "EUR", "inStock": random.random() > 0.3,
                  "createdAt": "2026-%02d-%02dT%02d:%02d:00Z" % (random.randint(1, 12), random.randint(1, 28),
                                                                random.randint(0, 23), random.randint(0, 59)),
                  "tags": random.sample(words, 2)})
    s = json.dumps({"page": 1, "items": items}, separators=(",", ":"))
    if len(s) > 16384:
        break
    out = s
open(sys.argv[1], "w").write(out.ljust(16384))
PY

common="error_log $work/error.log; events { worker_connections 8192; }"
temps="client_body_temp_path $work/b; proxy_temp_path $work/p; fastcgi_temp_path $work/f; uwsgi_temp_path $work/u; scgi_temp_path $work/s;"
run_as=""; [ "$(id -u)" = 0 ] && run_as="user root;"
cat > "$work/backends.conf" <<CONF
$run_as worker_processes 1; pid $work/backends.pid; $common
http { access_log off; $temps
  server { listen 127.0.0.1:$BACKEND; root $work; default_type application/json;
    location / { add_header Cache-Control "max-age=3600"; try_files /16k.json =404; } }
}
CONF
cat > "$work/proxy.conf" <<CONF
$run_as worker_processes 1; pid $work/proxy.pid; $common
http { access_log off; $temps
  upstream backend { server 127.0.0.1:$BACKEND; keepalive 64; }
  gzip on; gzip_comp_level $GZIP_LEVEL; gzip_min_length 1024; gzip_vary on; gzip_proxied any;
  gzip_types application/json;
  server { listen 127.0.0.1:$NGINX_PORT;
    location / { proxy_pass http://backend; proxy_http_version 1.1; proxy_set_header Connection ""; } }
}
CONF
cat > "$work/routes.camel.yaml" <<'YAML'
- route:
    id: compressed
    from:
      uri: "netty-http:http://127.0.0.1:{{serai.port}}/?matchOnUriPrefix=true&compression=true"
      steps:
        - to: "netty-http:{{backend.1}}"
- route:
    id: compressed-cached
    from:
      uri: "netty-http:http://127.0.0.1:{{cached.port}}/?matchOnUriPrefix=true&compression=true"
      steps:
        - policy:
            ref: httpCache
            steps:
              - to: "netty-http:{{backend.1}}"
YAML

$LOAD_CPU "$NGINX" -p "$work" -c "$work/backends.conf"
$PROXY_CPU "$NGINX" -p "$work" -c "$work/proxy.conf"
await "http://127.0.0.1:$BACKEND/" 10
await "http://127.0.0.1:$NGINX_PORT/" 10
nginx_pid=$(cat "$work/proxy.pid")

read -r -a java_opts <<< "${SERAI_JAVA_OPTS:-@jvm.options}"
SERAI_ROUTES=$work/routes.camel.yaml $PROXY_CPU java "${java_opts[@]}" -Dserai.port=$SERAI_PORT \
  -Dcached.port=$CACHED_PORT -Dserai.admin.port=$ADMIN_PORT -Dbackend.1=http://127.0.0.1:$BACKEND \
  -Dserai.compression.gzip-level="$GZIP_LEVEL" -Dserai.compression.brotli-quality="$BROTLI_QUALITY" \
  -Dserai.access-log=off -jar target/serai.jar > "$work/serai.log" 2>&1 &
serai_pid=$!
await "http://127.0.0.1:$SERAI_PORT/" 30 || { cat "$work/serai.log"; exit 1; }

# wrk with an Accept-Encoding (or none): "rps cpu_us_per_request" for the pid
load() { # name port coding pid
  local name=$1 port=$2 coding=$3 pid=$4 before after out rps
  local header=(); [ "$coding" = off ] || header=(-H "Accept-Encoding: $coding")
  before=$(cpu_ticks "$pid")
  out=$($LOAD_CPU wrk -t1 -c"$CONNS" -d"$SECS"s "${header[@]}" "http://127.0.0.1:$port/")
  after=$(cpu_ticks "$pid")
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  echo "$rps $(awk -v t=$(( after - before )) -v hz="$(getconf CLK_TCK)" -v s="$SECS" -v r="$rps" \
    'BEGIN {printf "%.1f", t / hz * 1e6 / (r * s)}')" >> "$work/$name.txt"
}
size() { # port coding -> bytes of the body on the wire
  local h=(); [ "$2" = off ] || h=(-H "Accept-Encoding: $2")
  curl -s -o /dev/null -w '%{size_download}' "${h[@]}" "http://127.0.0.1:$1/"
}

echo "warming Serai up for $WARMUP s (the JIT compiles the encoders' paths)..." >&2
for coding in gzip br off; do
  $LOAD_CPU wrk -t1 -c"$CONNS" -d"$(( WARMUP / 3 ))"s -H "Accept-Encoding: $coding" "http://127.0.0.1:$SERAI_PORT/" >/dev/null
done
$LOAD_CPU wrk -t1 -c"$CONNS" -d5s -H "Accept-Encoding: gzip" "http://127.0.0.1:$CACHED_PORT/" >/dev/null
$LOAD_CPU wrk -t1 -c"$CONNS" -d3s -H "Accept-Encoding: gzip" "http://127.0.0.1:$NGINX_PORT/" >/dev/null

cases=("nginx $NGINX_PORT off $nginx_pid" "nginx $NGINX_PORT gzip $nginx_pid"
  "serai $SERAI_PORT off $serai_pid" "serai $SERAI_PORT gzip $serai_pid" "serai $SERAI_PORT br $serai_pid"
  "serai-hit $CACHED_PORT off $serai_pid" "serai-hit $CACHED_PORT gzip $serai_pid"
  "serai-hit $CACHED_PORT br $serai_pid")
for r in $(seq 1 "$ROUNDS"); do
  for c in "${cases[@]}"; do
    read -r name port coding pid <<< "$c"
    load "$name-$coding" "$port" "$coding" "$pid"
  done
  echo "round $r done" >&2
done

echo
echo "$(date -u +%Y-%m-%d) compression, 16384 B JSON, $(nproc) cores, pinned: $PINNED; ${CONNS} connections," \
  "${SECS} s x ${ROUNDS} rounds (medians); gzip level $GZIP_LEVEL, brotli quality $BROTLI_QUALITY"
printf '%-10s %-5s %10s %11s %12s\n' proxy coding "req/s" "CPU us/req" "bytes/resp"
for c in "${cases[@]}"; do
  read -r name port coding pid <<< "$c"
  rps=$(awk '{print $1}' "$work/$name-$coding.txt" | median)
  cpu=$(awk '{print $2}' "$work/$name-$coding.txt" | median)
  printf '%-10s %-5s %10.0f %11.1f %12s\n' "$name" "$coding" "$rps" "$cpu" "$(size "$port" "$coding")"
done
gz=$(size $SERAI_PORT gzip); br=$(size $SERAI_PORT br)
echo "one variant per encoding would store $(( 16384 + gz + br )) B of bodies per URL instead of 16384" \
  "(+$(( (gz + br) * 100 / 16384 ))%)"
