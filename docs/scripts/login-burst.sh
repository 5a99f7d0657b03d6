#!/usr/bin/env bash
# Login burst: RssAnon of a mingle server before, during and a minute after 1,000 logins
# (half wrong e-mails, half right), 40 at a time.
set -u
BIN=$1; PORT=${2:-18080}
DIR=$(mktemp -d)
MINGLE_AUTH_PER_ADDRESS_PER_MINUTE=100000000 MINGLE_LOGIN_PER_ACCOUNT_PER_MINUTE=100000000 MINGLE_LOGIN_PER_ACCOUNT_PER_HOUR=100000000 \
  "$BIN" serve --listen 127.0.0.1:$PORT --data-dir "$DIR" > "$DIR/log" 2>&1 &
PID=$!
for i in $(seq 100); do curl -sf http://127.0.0.1:$PORT/healthz >/dev/null && break; sleep 0.2; done
rss() { awk '/RssAnon/ {print $2}' /proc/$PID/status; }
curl -sf -X POST -H 'content-type: application/json' http://127.0.0.1:$PORT/api/v1/auth/register \
  -d '{"email":"burst@example.org","password":"correct horse battery","display_name":"Burst"}' >/dev/null
sleep 5
BASE=$(rss); echo "baseline RssAnon: $BASE kB"
( while kill -0 $PID 2>/dev/null; do rss >> "$DIR/samples"; sleep 0.2; done ) &
SAMPLER=$!
START=$(date +%s.%N)
seq 1000 | xargs -P 40 -I{} sh -c 'if [ $(( {} % 2 )) -eq 0 ]; then E=burst@example.org; else E=nobody{}@example.org; fi; curl -s -o /dev/null -w "%{http_code}\n" -X POST -H "content-type: application/json" http://127.0.0.1:'$PORT'/api/v1/auth/login -d "{\"email\":\"$E\",\"password\":\"correct horse battery\"}"' | sort | uniq -c
END=$(date +%s.%N)
echo "burst took $(echo "$END - $START" | bc) s"
PEAK=$(sort -n "$DIR/samples" | tail -1); echo "peak RssAnon: $PEAK kB"
sleep 60
AFTER=$(rss); echo "one minute after: $AFTER kB ($(( (AFTER - BASE) * 100 / BASE ))% above baseline)"
kill $SAMPLER; kill $PID; wait $PID 2>/dev/null
rm -rf "$DIR"
