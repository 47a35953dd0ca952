# Shared by the bench scripts: command checks and bounded waits.
need() { command -v "$1" >/dev/null 2>&1; }

await() { # url, seconds
  local deadline=$(( $(date +%s) + $2 ))
  until curl -sf -o /dev/null "$1"; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "no answer from $1 within $2 s" >&2; return 1; }
    sleep 0.05
  done
}

ensure_tools() { # installs nginx, wrk and curl when one is missing; sets NGINX
  if ! need nginx || ! need wrk || ! need curl; then
    echo "installing nginx, wrk and curl with apt-get" >&2
    local as_root=""; [ "$(id -u)" = 0 ] || as_root="sudo"
    $as_root apt-get update -qq && $as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light wrk curl >/dev/null
  fi
  NGINX=$(command -v nginx || echo /usr/sbin/nginx)
}

pin_cpus() { # proxies on core 0, load and backends on core 1: sets PROXY_CPU, LOAD_CPU, PINNED
  if need taskset && [ "$(nproc)" -ge 2 ]; then PROXY_CPU="taskset -c 0"; LOAD_CPU="taskset -c 1"; PINNED=yes
  else PROXY_CPU=""; LOAD_CPU=""; PINNED="no (taskset missing or one core)"; fi
}

run_wrk() { # port seconds [path] -> "rps p50ms p99ms errors" (uses CONNS and LOAD_CPU)
  $LOAD_CPU wrk -t1 -c"$CONNS" -d"$2"s --latency "http://127.0.0.1:$1${3:-/}" | awk '
    /Requests\/sec/ {rps=$2}
    $1=="50%" {p50=$2} $1=="99%" {p99=$2}
    /Non-2xx|Socket errors/ {err=err $0 ";"}
    function ms(v) { if (v ~ /us$/) return v/1000; if (v ~ /ms$/) return v+0; if (v ~ /s$/) return v*1000; return v }
    END { printf "%s %.2f %.2f %s\n", rps, ms(p50), ms(p99), (err=="" ? "none" : err) }'
}

build_serai() { # the jar of this checkout: a jar left from an older checkout would be measured otherwise
  if [ "${BENCH_SKIP_BUILD:-0}" = 1 ] && [ -f target/serai.jar ]; then return; fi
  ./mvnw -B -q package -DskipTests
}
start_nginx() { # work-dir proxy-port backend-port x3: three nginx backends answering 200-byte JSON at
  # every path and 16 KiB of JSON at /16k (core 1), and nginx as their reverse proxy (core 0, upstream
  # keep-alive); pid files work-dir/{backends,proxy}.pid
  local work=$1 proxy_port=$2 body common temps port
  shift 2
  body=$(printf '{"backend":"bN","pad":"%s"}' "$(head -c 175 /dev/zero | tr '\0' x)")
  # A file: nginx's configuration takes no string this long. 16384 bytes in all.
  printf '{"backend":"bN","pad":"%s"}\n' "$(head -c 16358 /dev/zero | tr '\0' x)" > "$work/16k.json"
  chmod a+rx "$work"; chmod a+r "$work/16k.json" # nginx's workers run as another user
  common="error_log $work/error.log; events { worker_connections 8192; }"
  temps="client_body_temp_path $work/b; proxy_temp_path $work/p; fastcgi_temp_path $work/f; uwsgi_temp_path $work/u; scgi_temp_path $work/s;"
  {
    echo "worker_processes 1; pid $work/backends.pid; $common"
    echo "http { access_log off; $temps"
    for port in "$@"; do
      echo "  server { listen 127.0.0.1:$port; default_type application/json;"
      echo "    location / { return 200 '$body'; } location = /16k { alias $work/16k.json; } }"
    done
    echo "}"
  } > "$work/backends.conf"
  {
    echo "worker_processes 1; pid $work/proxy.pid; $common"
    echo "http { access_log off; $temps"
    echo "  upstream backends { $(for port in "$@"; do printf 'server 127.0.0.1:%s; ' "$port"; done)keepalive 64; }"
    echo "  server { listen 127.0.0.1:$proxy_port;"
    echo "    location / { proxy_pass http://backends; proxy_http_version 1.1; proxy_set_header Connection \"\"; } }"
    echo "}"
  } > "$work/proxy.conf"
  $LOAD_CPU "$NGINX" -p "$work" -c "$work/backends.conf"
  $PROXY_CPU "$NGINX" -p "$work" -c "$work/proxy.conf"
  await "http://127.0.0.1:$1/" 10
  await "http://127.0.0.1:$proxy_port/" 10
}

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

# CPU and memory of a process and its children, from /proc (a JVM's stat counts all its threads).
proc_tree() { # pid -> the pid and its descendants
  local p; echo "$1"; for p in $(pgrep -P "$1" || true); do proc_tree "$p"; done
}
cpu_ticks() { # pids... -> user+system clock ticks of those processes and their children, all threads
  local total=0 p
  for p in $(for p in "$@"; do proc_tree "$p"; done); do
    total=$(( total + $(awk '{print $14 + $15}' "/proc/$p/stat" 2>/dev/null || echo 0) ))
  done
  echo "$total"
}
peak_rss_mb() { # pids... -> the sum of their and their children's peak resident memory (VmHWM), MB
  local p; for p in $(for p in "$@"; do proc_tree "$p"; done); do
    awk '/VmHWM/ {print $2/1024}' "/proc/$p/status" 2>/dev/null || echo 0
  done | awk '{s += $1} END {printf "%.0f\n", s}'
}
rss_mb() { # pid -> resident memory now (VmRSS), MB
  awk '/VmRSS/ {printf "%.1f\n", $2/1024}' "/proc/$1/status"
}
# measure name port path seconds pids... -> appends "rps p50 p99 cpu_us_per_request errors" to $work/<name>.txt
measure() {
  local name=$1 port=$2 path=$3 secs=$4 before after rps p50 p99 err; shift 4
  before=$(cpu_ticks "$@")
  read -r rps p50 p99 err <<< "$(run_wrk "$port" "$secs" "$path")"
  after=$(cpu_ticks "$@")
  echo "$rps $p50 $p99 $(awk -v t=$(( after - before )) -v hz="$(getconf CLK_TCK)" -v s="$secs" -v r="$rps" \
    'BEGIN {printf "%.1f", (r > 0 ? t / hz * 1e6 / (r * s) : 0)}') ${err// /_}" >> "$work/$name.txt"
}

open_work() { # a scratch directory in $work; at exit Serai ($serai_pid, once set), nginx and the processes
  # listed in $work/extra.pids stop, and it goes
  work=$(mktemp -d); serai_pid=""
  trap close_work EXIT
}
close_work() {
  [ -n "${serai_pid:-}" ] && kill "$serai_pid" 2>/dev/null || true
  [ -f "$work/backends.pid" ] && kill "$(cat "$work/backends.pid")" 2>/dev/null || true
  [ -f "$work/proxy.pid" ] && kill "$(cat "$work/proxy.pid")" 2>/dev/null || true
  # shellcheck disable=SC2046 # one pid per line, of other processes a script started (extra.pids)
  [ -f "$work/extra.pids" ] && kill $(cat "$work/extra.pids") 2>/dev/null || true
  sleep 0.3; rm -rf "$work"
}

start_serai_on_bench() { # port admin-port lc-port la-port java-options...: Serai as the README starts it (the
  # given options, normally @jvm.options) on bench/bench.camel.yaml over $B1-$B3, its least-connections and
  # latency-aware routes on lc-port and la-port, pinned to the proxy core; log $work/serai.log, pid $serai_pid
  local port=$1 admin=$2 lc=$3 la=$4; shift 4
  SERAI_ROUTES=bench/bench.camel.yaml $PROXY_CPU java "$@" -Dserai.port="$port" -Dserai.admin.port="$admin" \
    -Dbench.least-connections.port="$lc" -Dbench.latency-aware.port="$la" \
    -Dbackend.1=127.0.0.1:$B1 -Dbackend.2=127.0.0.1:$B2 -Dbackend.3=127.0.0.1:$B3 \
    -jar target/serai.jar > "$work/serai.log" 2>&1 &
  serai_pid=$!
}
