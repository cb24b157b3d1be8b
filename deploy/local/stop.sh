#!/usr/bin/env bash
# Stops the local stack that start.sh started: the services first, then Kafka, each with
# SIGTERM (a clean shutdown: Quarkus drains, Kafka flushes its log) and SIGKILL after 30 s.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

stop_one() {  # stop_one <name>
  local pidfile="$KILN_RUN/$1.pid"
  if ! pid_alive "$pidfile"; then
    rm -f "$pidfile"
    return
  fi
  local pid
  pid="$(cat "$pidfile")"
  kill "$pid" 2>/dev/null
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    echo "$1 did not stop in 30 s; killing it"
    kill -9 "$pid" 2>/dev/null
  fi
  rm -f "$pidfile"
  printf '%-18s stopped\n' "$1"
}

for (( i=${#KILN_SERVICES[@]}-1; i>=0; i-- )); do
  stop_one "${KILN_SERVICES[$i]%%:*}"
done
stop_one kafka
