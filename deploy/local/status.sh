#!/usr/bin/env bash
# Shows which parts of the local stack run and whether each service reports ready.
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

if pid_alive "$KILN_RUN/kafka.pid"; then
  printf '%-18s running (pid %s) on %s\n' kafka "$(cat "$KILN_RUN/kafka.pid")" "$KILN_BOOTSTRAP"
else
  printf '%-18s stopped\n' kafka
fi
tls_on && echo "TLS on (CA: $KILN_TLS_DIR/ca.pem)"
for entry in "${KILN_SERVICES[@]}"; do
  IFS=: read -r name port dir <<<"$entry"
  if pid_alive "$KILN_RUN/$name.pid"; then
    ready=$(health "$port" ready && echo ready || echo "not ready")
    printf '%-18s running (pid %s) on port %s, %s\n' "$name" "$(cat "$KILN_RUN/$name.pid")" "$port" "$ready"
  else
    printf '%-18s stopped\n' "$name"
  fi
done
