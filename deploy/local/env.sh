# Shared settings of the local stack; sourced by start.sh, stop.sh and status.sh.
# Override any of them in the environment, e.g. KILN_HOME=/data/kiln deploy/local/start.sh
KILN_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
KILN_HOME="${KILN_HOME:-$KILN_ROOT/.kiln/local}"    # data, logs and pid files
KILN_LOGS="$KILN_HOME/logs"
KILN_RUN="$KILN_HOME/run"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KILN_BOOTSTRAP="localhost:$KAFKA_PORT"

# name:port:module directory — one port per service serves gRPC and HTTP.
KILN_SERVICES=(
  "tokenizer-service:${TOKENIZER_PORT:-9101}:tokenizer-service"
  "corpus-service:${CORPUS_PORT:-9102}:corpus-service"
  "trainer-service:${TRAINER_PORT:-9103}:trainer-service"
  "inference-gateway:${GATEWAY_PORT:-9104}:inference-gateway"
)

JAVA="${JAVA_HOME:+$JAVA_HOME/bin/}java"
KILN_JVM_ARGS="${KILN_JVM_ARGS:---add-modules jdk.incubator.vector -XX:+UseParallelGC}"

# Where each service keeps its data, and how it finds the tokenizer service.
service_args() {  # service_args <service name>
  local tokenizer="-Dquarkus.grpc.clients.tokenizer.host=localhost -Dquarkus.grpc.clients.tokenizer.port=${TOKENIZER_PORT:-9101}"
  case "$1" in
    tokenizer-service) echo "-Dkiln.tokenizer.encodings-dir=$KILN_HOME/data/encodings" ;;
    corpus-service) echo "$tokenizer -Dkiln.corpus.data-dir=$KILN_HOME/data/corpus -Dkiln.corpus.input-roots=$KILN_HOME/inputs -Dkiln.corpus.encoding=${KILN_CORPUS_ENCODING:-r50k_base}" ;;
    trainer-service) echo "$tokenizer -Dkiln.trainer.data-dir=$KILN_HOME/data/trainer -Dkiln.trainer.models-dir=$KILN_HOME/models" ;;
    inference-gateway) echo "-Dkiln.inference.models-dir=$KILN_HOME/models -Dkiln.inference.model-roots=$KILN_HOME/models" ;;
  esac
}

pid_alive() {  # pid_alive <pidfile>
  [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

port_open() {  # port_open <port>
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
