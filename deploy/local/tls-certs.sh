#!/usr/bin/env bash
# Generates a throwaway CA and one certificate per local service with the JDK's keytool only (no
# openssl, no download), for deploy/local/start.sh --tls. Safe to run twice: existing files are
# kept, so clients that already trust the CA keep working.
#
#   deploy/local/tls-certs.sh <dir> <name>...
#
# Writes into <dir>:
#   ca.pem                     the CA certificate (clients trust it: kiln --ca, grpcurl -cacert)
#   ca.p12                     the CA key pair (signs the leaves; never leaves this machine)
#   <name>.p12                 the service's key and CA-signed certificate chain (Quarkus reads
#                              PKCS#12 directly: quarkus.tls.key-store.p12.*)
#   <name>.pem                 the service's certificate
# Leaves carry SAN dns:localhost,ip:127.0.0.1 and are valid for 30 days. The keystore password is
# "$KILN_TLS_PASSWORD" (default kiln-local): these files protect nothing but a local demo.
set -euo pipefail
dir="$1"
shift
KEYTOOL="${JAVA_HOME:+$JAVA_HOME/bin/}keytool"
password="${KILN_TLS_PASSWORD:-kiln-local}"
mkdir -p "$dir"
chmod 700 "$dir"

# Quiet on success, loud on failure.
kt() {
  local out
  out="$("$KEYTOOL" "$@" -storetype PKCS12 -storepass "$password" 2>&1)" || { echo "keytool $1 failed: $out" >&2; return 1; }
}

if [ ! -f "$dir/ca.p12" ]; then
  kt -genkeypair -alias ca -keyalg EC -groupname secp256r1 -validity 30 \
    -dname "CN=Kiln local CA" -ext bc:c -ext ku:c=keyCertSign,cRLSign -keystore "$dir/ca.p12"
  rm -f "$dir/ca.pem"
fi
[ -f "$dir/ca.pem" ] || kt -exportcert -rfc -alias ca -keystore "$dir/ca.p12" -file "$dir/ca.pem"

for name in "$@"; do
  [ -f "$dir/$name.p12" ] && continue
  store="$dir/$name.p12"
  kt -genkeypair -alias "$name" -keyalg EC -groupname secp256r1 -validity 30 \
    -dname "CN=$name" -keystore "$store"
  kt -certreq -alias "$name" -keystore "$store" -file "$dir/$name.csr"
  kt -gencert -alias ca -keystore "$dir/ca.p12" -infile "$dir/$name.csr" -outfile "$dir/$name.pem" -rfc \
    -validity 30 -ext san=dns:localhost,ip:127.0.0.1 -ext eku=serverAuth,clientAuth
  # The reply replaces the self-signed certificate only once the CA is known to the keystore;
  # the CA entry is removed again so the keystore holds exactly one entry, the service's key.
  kt -importcert -noprompt -alias ca -file "$dir/ca.pem" -keystore "$store"
  kt -importcert -alias "$name" -file "$dir/$name.pem" -keystore "$store"
  kt -delete -alias ca -keystore "$store"
  rm -f "$dir/$name.csr"
done
chmod 600 "$dir"/*.p12
