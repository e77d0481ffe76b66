# Redis from the Debian package. No persistence by default (the live window is
# rebuilt from Kafka, see services/aggregator/README.md); REDIS_APPENDONLY=yes enables AOF.

redis_install() {
  command -v redis-server >/dev/null && return 0
  apt_install redis-server
}

redis_start() {
  mkdir -p "$STACK_DIR/redis" "$STACK_DIR/logs"
  log "starting redis on 127.0.0.1:$REDIS_PORT"
  env -C "$STACK_DIR/redis" setsid nohup redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$STACK_DIR/redis" \
    --save '' --appendonly "${REDIS_APPENDONLY:-no}" --maxmemory "${REDIS_MAXMEMORY:-512mb}" --maxmemory-policy noeviction \
    --logfile "$STACK_DIR/logs/redis.log" --daemonize no > "$STACK_DIR/logs/redis.out" 2>&1 < /dev/null &
  echo $! > "$STACK_DIR/run/redis.pid"
}

# A real request: PING over the Redis protocol.
redis_ready() {
  local reply
  reply=$( (exec 3<>"/dev/tcp/127.0.0.1/$REDIS_PORT" && printf 'PING\r\n' >&3 && head -c 5 <&3) 2>/dev/null) || return 1
  [ "${reply%$'\r'}" = "+PONG" ]
}
