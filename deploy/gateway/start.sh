#!/bin/sh
# Runs the gateway: renders nginx.conf.in into a writable prefix and starts nginx there in the
# foreground. The container's entrypoint, and what the tests run in front of two nodes.
#   MINGLE_NODES             node addresses, space-separated host:port (required)
#   GATEWAY_PREFIX           writable directory for the rendered config, pid, temporary files
#                            and cache (default /tmp/gateway)
#   GATEWAY_TLS_DIR          directory holding tls.crt and tls.key (default /etc/mingle/tls)
#   GATEWAY_TLS_CERT, GATEWAY_TLS_KEY  the certificate and key themselves (PEM), used instead
#                            when given: how a Kubernetes Secret reaches the gateway as
#                            environment variables (podman kube play mounts no Secret volumes)
#   GATEWAY_HTTPS_PORT       8443;  GATEWAY_HTTP_PORT  8080 (unprivileged: it runs as non-root)
#   GATEWAY_REQUESTS_PER_SECOND  per client address, 50;  GATEWAY_REQUEST_BURST  100
set -eu
here=$(dirname "$0")
prefix=${GATEWAY_PREFIX:-/tmp/gateway}
template=${GATEWAY_TEMPLATE:-$here/nginx.conf.in}
: "${MINGLE_NODES:?MINGLE_NODES lists the nodes, host:port separated by spaces}"
mkdir -p "$prefix/run"
if [ -n "${GATEWAY_TLS_CERT:-}" ] && [ -n "${GATEWAY_TLS_KEY:-}" ]; then
    rm -rf "$prefix/tls"
    mkdir -m 700 "$prefix/tls"
    printf '%s\n' "$GATEWAY_TLS_CERT" >"$prefix/tls/tls.crt"
    (umask 077 && printf '%s\n' "$GATEWAY_TLS_KEY" >"$prefix/tls/tls.key")
else
    ln -sfn "${GATEWAY_TLS_DIR:-/etc/mingle/tls}" "$prefix/tls"
fi
nodes=""
for node in $MINGLE_NODES; do
    nodes="$nodes        server $node max_fails=1 fail_timeout=5s;
"
done
awk -v nodes="$nodes" \
    -v https="${GATEWAY_HTTPS_PORT:-8443}" -v http="${GATEWAY_HTTP_PORT:-8080}" \
    -v rate="${GATEWAY_REQUESTS_PER_SECOND:-50}" -v burst="${GATEWAY_REQUEST_BURST:-100}" '
    /^@NODES@$/ { printf "%s", nodes; next }
    { gsub(/@HTTPS_PORT@/, https); gsub(/@HTTP_PORT@/, http);
      gsub(/@REQUESTS_PER_SECOND@/, rate); gsub(/@REQUEST_BURST@/, burst); print }
' "$template" >"$prefix/nginx.conf"
exec nginx -p "$prefix" -c "$prefix/nginx.conf" -e stderr -g 'daemon off;'
