#!/usr/bin/env bash
# Starts Kiln's local stack: a real Kafka broker (KRaft, single node), the four services and the
# console, each in its own JVM, and waits until every one is live. Safe to run twice: what already
# runs is left alone. Stop it all with deploy/local/stop.sh.
#
#   deploy/local/start.sh            build what is missing, then start
#   deploy/local/start.sh --rebuild  build the services again first
#   deploy/local/start.sh --tls      every service's port serves TLS only: a throwaway CA and
#                                    per-service certificates under $KILN_HOME/tls (keytool);
#                                    clients trust $KILN_HOME/tls/ca.pem (kiln --tls --ca ...)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$KILN_ROOT"
mkdir -p "$KILN_LOGS" "$KILN_RUN" "$KILN_HOME/kafka"

rebuild=false
tls=false
for arg in "$@"; do
  case "$arg" in
    --rebuild) rebuild=true ;;
    --tls) tls=true ;;
    *) echo "usage: $0 [--rebuild] [--tls]" >&2; exit 2 ;;
  esac
done

# The mode belongs to the running stack: switching needs a stop first.
running=false
for entry in "${KILN_SERVICES[@]}"; do
  IFS=: read -r name port dir <<<"$entry"
  pid_alive "$KILN_RUN/$name.pid" && running=true
done
if $running && [ "$tls" != "$(tls_on && echo true || echo false)" ]; then
  echo "The stack already runs $(tls_on && echo with || echo without) TLS; stop it first (deploy/local/stop.sh)." >&2
  exit 1
fi
if $tls; then
  names=()
  for entry in "${KILN_SERVICES[@]}"; do names+=("${entry%%:*}"); done
  KILN_TLS_PASSWORD="$KILN_TLS_PASSWORD" "$KILN_ROOT/deploy/local/tls-certs.sh" "$KILN_TLS_DIR" "${names[@]}"
  touch "$KILN_RUN/tls"
else
  rm -f "$KILN_RUN/tls"
fi

need_build=$rebuild
for entry in "${KILN_SERVICES[@]}"; do
  IFS=: read -r name port dir <<<"$entry"
  [ -f "$dir/target/quarkus-app/quarkus-run.jar" ] || need_build=true
done
if $need_build; then
  echo "Building the services (./mvnw install -DskipTests) ..."
  ./mvnw -B -q install -DskipTests >"$KILN_LOGS/build.log" 2>&1 \
    || { echo "Build failed; see $KILN_LOGS/build.log" >&2; exit 1; }
fi

# --- Kafka --------------------------------------------------------------------------------
kafka_pid="$KILN_RUN/kafka.pid"
if pid_alive "$kafka_pid"; then
  echo "kafka              already running (pid $(cat "$kafka_pid")) on $KILN_BOOTSTRAP"
else
  if port_open "$KAFKA_PORT"; then
    echo "Port $KAFKA_PORT is taken by another process; set KAFKA_PORT to a free one." >&2
    exit 1
  fi
  cp_file="$KILN_RUN/kafka.classpath"
  if [ ! -s "$cp_file" ]; then
    ./mvnw -B -q -f deploy/local/kafka/pom.xml dependency:build-classpath \
      -Dmdep.outputFile="$cp_file" >"$KILN_LOGS/kafka-classpath.log" 2>&1 \
      || { echo "Could not resolve Kafka; see $KILN_LOGS/kafka-classpath.log" >&2; exit 1; }
  fi
  kafka_cp="$(cat "$cp_file")"
  conf="$KILN_HOME/kafka/server.properties"
  cat >"$conf" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@localhost:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://localhost:$KAFKA_PORT,CONTROLLER://localhost:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://localhost:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$KILN_HOME/kafka/data
num.partitions=3
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
  log4j="-Dlog4j2.configurationFile=$KILN_ROOT/deploy/local/kafka/log4j2.properties"
  if [ ! -f "$KILN_HOME/kafka/data/meta.properties" ]; then
    cluster_id="$("$JAVA" -cp "$kafka_cp" "$log4j" kafka.tools.StorageTool random-uuid)"
    "$JAVA" -cp "$kafka_cp" "$log4j" kafka.tools.StorageTool format -t "$cluster_id" -c "$conf" \
      >"$KILN_LOGS/kafka-format.log" 2>&1 \
      || { echo "Formatting Kafka storage failed; see $KILN_LOGS/kafka-format.log" >&2; exit 1; }
  fi
  nohup "$JAVA" -Xmx1g -cp "$kafka_cp" "$log4j" kafka.Kafka "$conf" >"$KILN_LOGS/kafka.log" 2>&1 &
  echo $! >"$kafka_pid"
  for _ in $(seq 1 120); do
    port_open "$KAFKA_PORT" && break
    pid_alive "$kafka_pid" || { echo "Kafka exited; see $KILN_LOGS/kafka.log" >&2; exit 1; }
    sleep 0.5
  done
  port_open "$KAFKA_PORT" || { echo "Kafka did not open port $KAFKA_PORT in 60 s; see $KILN_LOGS/kafka.log" >&2; exit 1; }
  echo "kafka              started (pid $(cat "$kafka_pid")) on $KILN_BOOTSTRAP"
fi

# --- Services -----------------------------------------------------------------------------
for entry in "${KILN_SERVICES[@]}"; do
  IFS=: read -r name port dir <<<"$entry"
  pidfile="$KILN_RUN/$name.pid"
  if pid_alive "$pidfile"; then
    printf '%-18s already running (pid %s) on port %s\n' "$name" "$(cat "$pidfile")" "$port"
    continue
  fi
  if port_open "$port"; then
    echo "Port $port for $name is taken by another process; free it or set its *_PORT variable." >&2
    exit 1
  fi
  # shellcheck disable=SC2086
  nohup "$JAVA" $KILN_JVM_ARGS \
    -Dquarkus.http.port="$port" \
    -Dkafka.bootstrap.servers="$KILN_BOOTSTRAP" \
    $(service_args "$name") \
    $(tls_args "$name") \
    -jar "$dir/target/quarkus-app/quarkus-run.jar" >"$KILN_LOGS/$name.log" 2>&1 &
  echo $! >"$pidfile"
done

# Wait until every service is live (its server answers). Readiness can lag behind by design:
# a gateway is ready only once it serves a model.
for entry in "${KILN_SERVICES[@]}"; do
  IFS=: read -r name port dir <<<"$entry"
  pidfile="$KILN_RUN/$name.pid"
  for _ in $(seq 1 240); do
    health "$port" live && break
    pid_alive "$pidfile" || { echo "$name exited; see $KILN_LOGS/$name.log" >&2; exit 1; }
    sleep 0.5
  done
  health "$port" live || { echo "$name is not live after 120 s; see $KILN_LOGS/$name.log" >&2; exit 1; }
  if health "$port" ready; then
    state="up and ready"
  else
    state="up, not ready yet (a gateway is ready once it serves a model)"
  fi
  printf '%-18s %s (pid %s) on port %s\n' "$name" "$state" "$(cat "$pidfile")" "$port"
done

echo
echo "Kiln is up. Logs: $KILN_LOGS   Data: $KILN_HOME"
echo "Console: $(tls_on && echo https || echo http)://localhost:${CONSOLE_PORT:-9100}"
if tls_on; then
  echo "TLS only: trust $KILN_TLS_DIR/ca.pem (cli/kiln --tls --ca $KILN_TLS_DIR/ca.pem ..., grpcurl -cacert ...)"
fi
echo "Stop it with: deploy/local/stop.sh"
