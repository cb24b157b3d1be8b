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
  "console:${CONSOLE_PORT:-9100}:console"
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
    console) echo "-Dquarkus.grpc.clients.tokenizer.port=${TOKENIZER_PORT:-9101} -Dquarkus.grpc.clients.corpus.port=${CORPUS_PORT:-9102} -Dquarkus.grpc.clients.trainer.port=${TRAINER_PORT:-9103} -Dquarkus.grpc.clients.gateway.port=${GATEWAY_PORT:-9104}" ;;
  esac
}

# TLS mode (start.sh --tls): a throwaway CA and per-service certificates from tls-certs.sh.
KILN_TLS_DIR="$KILN_HOME/tls"
KILN_TLS_PASSWORD="${KILN_TLS_PASSWORD:-kiln-local}"

tls_on() {  # the stack runs (or is about to run) over TLS
  [ -f "$KILN_RUN/tls" ]
}

tls_args() {  # tls_args <service name>: its key store, and the CA its tokenizer client trusts
  tls_on || return 0
  echo "-Dquarkus.tls.key-store.p12.path=$KILN_TLS_DIR/$1.p12 -Dquarkus.tls.key-store.p12.password=$KILN_TLS_PASSWORD -Dquarkus.http.insecure-requests=disabled"
  case "$1" in
    corpus-service|trainer-service) echo "-Dquarkus.grpc.clients.tokenizer.ssl.trust-store=$KILN_TLS_DIR/ca.pem" ;;
    console)
      local client
      for client in tokenizer corpus trainer gateway; do
        echo "-Dquarkus.grpc.clients.$client.ssl.trust-store=$KILN_TLS_DIR/ca.pem"
      done
      echo "-Dkiln.console.gateway-http-url=https://localhost:${GATEWAY_PORT:-9104} -Dkiln.console.gateway-http-ca=$KILN_TLS_DIR/ca.pem" ;;
  esac
}

health() {  # health <port> <live|ready>: over HTTPS trusting the local CA in TLS mode
  if tls_on; then
    curl -fsS --cacert "$KILN_TLS_DIR/ca.pem" "https://localhost:$1/q/health/$2" >/dev/null 2>&1
  else
    curl -fsS "http://localhost:$1/q/health/$2" >/dev/null 2>&1
  fi
}

pid_alive() {  # pid_alive <pidfile>
  [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null
}

port_open() {  # port_open <port>
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}
