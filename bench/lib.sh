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

run_wrk() { # port seconds -> "rps p50ms p99ms errors" (uses CONNS and LOAD_CPU)
  $LOAD_CPU wrk -t1 -c"$CONNS" -d"$2"s --latency "http://127.0.0.1:$1/" | awk '
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
start_nginx() { # work-dir proxy-port backend-port x3: three nginx backends answering 200-byte JSON (core 1)
  # and nginx as their reverse proxy (core 0, upstream keep-alive); pid files work-dir/{backends,proxy}.pid
  local work=$1 proxy_port=$2 body common temps port
  shift 2
  body=$(printf '{"backend":"bN","pad":"%s"}' "$(head -c 175 /dev/zero | tr '\0' x)")
  common="error_log $work/error.log; events { worker_connections 8192; }"
  temps="client_body_temp_path $work/b; proxy_temp_path $work/p; fastcgi_temp_path $work/f; uwsgi_temp_path $work/u; scgi_temp_path $work/s;"
  {
    echo "worker_processes 1; pid $work/backends.pid; $common"
    echo "http { access_log off; $temps"
    for port in "$@"; do
      echo "  server { listen 127.0.0.1:$port; location / { default_type application/json; return 200 '$body'; } }"
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
