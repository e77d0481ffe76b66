# Redis from the Debian package. No persistence by default (the live window is
# rebuilt from Kafka, see services/aggregator/README.md); REDIS_APPENDONLY=yes enables AOF.
# Cluster topology: six nodes, redis-1..6, made into a Redis Cluster of three masters
# with one replica each (`redis-cli --cluster create`). A node keeps its cluster
# identity in nodes.conf, so a restarted node rejoins, as a replica if it was failed over.

redis_install() {
  command -v redis-server >/dev/null && return 0
  apt_install redis-server
}

redis_name() { if [ "$STACK_TOPOLOGY" = single ]; then echo redis; else echo "redis-$1"; fi; }
redis_port() { echo $((REDIS_PORT + $1 - 1)); }

redis_start() { # node
  local name port dir cluster=()
  name=$(redis_name "$1"); port=$(redis_port "$1"); dir=$STACK_DIR/$name
  mkdir -p "$dir" "$STACK_DIR/logs"
  # A short node timeout: a dead master's replica takes over within seconds.
  [ "$STACK_TOPOLOGY" = cluster ] && cluster=(--cluster-enabled yes --cluster-config-file "$dir/nodes.conf"
    --cluster-port $((port + REDIS_CLUSTER_BUS_OFFSET)) --cluster-node-timeout "${REDIS_CLUSTER_NODE_TIMEOUT_MS:-3000}")
  log "starting $name on 127.0.0.1:$port"
  env -C "$dir" setsid nohup redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" \
    --save '' --appendonly "${REDIS_APPENDONLY:-no}" --maxmemory "${REDIS_MAXMEMORY:-512mb}" --maxmemory-policy noeviction \
    "${cluster[@]}" --logfile "$STACK_DIR/logs/$name.log" --daemonize no > "$STACK_DIR/logs/$name.out" 2>&1 < /dev/null &
  echo $! > "$STACK_DIR/run/$name.pid"
}

# A real request: PING over the Redis protocol.
redis_ready() {
  local reply
  reply=$( (exec 3<>"/dev/tcp/127.0.0.1/$(redis_port "$1")" && printf 'PING\r\n' >&3 && head -c 5 <&3) 2>/dev/null) || return 1
  [ "${reply%$'\r'}" = "+PONG" ]
}

redis_cluster_state() { redis-cli -p "$(redis_port "$1")" cluster info 2>/dev/null | tr -d '\r' | sed -n 's/^cluster_state://p'; }
redis_cluster_ok() { local i; for i in $(seq 1 $REDIS_NODE_COUNT); do [ "$(redis_cluster_state "$i")" = ok ] || return 1; done; }

# Once, on a new stack: join the nodes into a cluster (masters get the slots, one replica each).
redis_cluster_create() {
  [ "$STACK_TOPOLOGY" = cluster ] || return 0
  local known; known=$(redis-cli -p "$(redis_port 1)" cluster info | tr -d '\r' | sed -n 's/^cluster_known_nodes://p')
  if [ "$known" = 1 ]; then
    local nodes=() i
    for i in $(seq 1 $REDIS_NODE_COUNT); do nodes+=("127.0.0.1:$(redis_port "$i")"); done
    log "creating the Redis Cluster (3 masters, 3 replicas)"
    redis-cli --cluster create "${nodes[@]}" --cluster-replicas 1 --cluster-yes > "$STACK_DIR/logs/redis-cluster-create.log" 2>&1 \
      || die "redis-cli --cluster create failed (see $STACK_DIR/logs/redis-cluster-create.log)"
  fi
  wait_until 60 "the Redis Cluster" redis_cluster_ok
}
