# Shared by the bench scripts: command checks and bounded waits.
need() { command -v "$1" >/dev/null 2>&1; }

await() { # url, seconds
  local deadline=$(( $(date +%s) + $2 ))
  until curl -sf -o /dev/null "$1"; do
    [ "$(date +%s)" -lt "$deadline" ] || { echo "no answer from $1 within $2 s" >&2; return 1; }
    sleep 0.05
  done
}
