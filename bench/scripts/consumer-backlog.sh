#!/usr/bin/env bash
# µs of CPU per event of ONE consumer (enricher or aggregator) working off a backlog on its own:
# stops the service, offers SECONDS of load at 40,000 events/s in batches of 500 (the Go peer's
# load generator, ../shared/peers/go-seed/bin/peer), starts the service again and reads its CPU
# (utime + stime from /proc) until it caught up. Steadier than the side-by-side run, where the
# load generator, the ingest API and both consumers share the two cores.
#
#   npm run up && bash bench/scripts/consumer-backlog.sh enricher 10
#   bash bench/scripts/consumer-backlog.sh aggregator 10     # restarts the stack fresh first (below)
#
# The aggregator rebuilds the last 15 minutes of its live window when it starts, so its mode
# starts from a fresh stack (npm run down; rm -rf .stack; npm run up) to read this backlog only.
# SERVICE_NODE_ARGS (e.g. --cpu-prof) apply to the restarted service.
set -euo pipefail
cd "$(dirname "$0")/../.."
service=${1:?usage: consumer-backlog.sh enricher|aggregator [seconds]}
seconds=${2:-10}
peer=${PEER_BIN:-../shared/peers/go-seed/bin/peer}
[ -x "$peer" ] || { echo "no load generator at $peer (build it: ../shared/peers/go-seed/run-peer.sh start)" >&2; exit 1; }
tenants=$(node -e "console.log(Array.from({length:20},(_,i)=>'bench-'+String(i).padStart(2,'0')).join(','))")
ch() { curl -sf "${CLICKHOUSE_URL:-http://127.0.0.1:18123}/" --data-binary "$1"; }
cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }
stop() { local pid; pid=$(cat ".stack/run/$1.pid"); kill "$pid"; while kill -0 "$pid" 2>/dev/null; do sleep 0.2; done; }

if [ "$service" = aggregator ]; then npm run down >/dev/null 2>&1 || true; rm -rf .stack; fi
npm run up >/dev/null 2>&1
stop "$service"
before=$(ch "SELECT count() FROM cdnlog.enriched_logs")
out=$("$peer" -role load -url http://127.0.0.1:8080/v1/logs -tenants "$tenants" -key bench-ingest-key \
  -rate 40000 -batch 500 -duration "${seconds}s" -conns 64 2>&1)
accepted=$(grep -o '"accepted":[0-9]*' <<<"$out" | head -1 | cut -d: -f2)
[ -n "$accepted" ] && [ "$accepted" -gt 0 ] || { echo "the load was not accepted: $out" >&2; exit 1; }
if [ "$service" = aggregator ]; then
  until [ $(( $(ch "SELECT count() FROM cdnlog.enriched_logs") - before )) -ge "$accepted" ]; do sleep 1; done
fi
npm run up >/dev/null 2>&1
pid=$(cat ".stack/run/$service.pid")
kafka=$(cat .stack/run/kafka.pid); clickhouse=$(cat .stack/run/clickhouse.pid)
c0=$(cpu "$pid"); k0=$(cpu "$kafka"); h0=$(cpu "$clickhouse"); t0=$(date +%s.%N)
if [ "$service" = enricher ]; then
  until [ $(( $(ch "SELECT count() FROM cdnlog.enriched_logs") - before )) -ge "$accepted" ]; do sleep 0.5; done
else
  # Caught up when no partition lags by more than its transaction marker; before the consumer has
  # joined its group there is no lag line at all, which is not caught up.
  until [ "$(curl -s http://127.0.0.1:9102/metrics | awk '/^cdnlog_consumer_lag/ { n++; if ($2 > m) m = $2 } END { print (n > 0 ? m + 0 : 999999) }')" -le 1 ]; do sleep 0.5; done
fi
c1=$(cpu "$pid"); k1=$(cpu "$kafka"); h1=$(cpu "$clickhouse"); t1=$(date +%s.%N)
rss=$(awk '/VmHWM/ { print int($2 / 1024) }' "/proc/$pid/status")
awk -v s="$service" -v n="$accepted" -v c="$((c1 - c0))" -v t0="$t0" -v t1="$t1" -v rss="$rss" -v k="$((k1 - k0))" -v h="$((h1 - h0))" 'BEGIN {
  printf "%s: %d events in %.1f s, %.1f CPU-s = %.1f µs/event, peak RSS %d MB\n", s, n, t1 - t0, c / 100, c * 10000 / n, rss
  printf "meanwhile Kafka %.1f and ClickHouse %.1f µs/event (with the other consumer'"'"'s work and the enricher'"'"'s start-up rollup catch-up)\n", k * 10000 / n, h * 10000 / n }'
