# Settings of the local stack. Every value can be overridden from the environment.
# Sourced by scripts/stack; `stack env` prints the service-side variables.
ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
STACK_DIR=${STACK_DIR:-$ROOT/.stack}
STACK_CACHE=${STACK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cdnlog}
KAFKA_VERSION=${KAFKA_VERSION:-3.9.1}
KAFKA_PORT=${KAFKA_PORT:-19092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-19093}
CLICKHOUSE_HTTP_PORT=${CLICKHOUSE_HTTP_PORT:-18123}
CLICKHOUSE_TCP_PORT=${CLICKHOUSE_TCP_PORT:-19000}
REDIS_PORT=${REDIS_PORT:-16379}
KAFKA_JARS=$STACK_CACHE/kafka-$KAFKA_VERSION/libs

# Topology: `single` (one Kafka broker, one ClickHouse, one Redis) or `cluster` (three Kafka
# brokers, ZooKeeper, two ClickHouse shards with Replicated + Distributed tables, a Redis
# Cluster of three masters and three replicas; see docs/scaling.md). `up` records it in
# $STACK_DIR/topology, so `down` and `status` act on what is running without being told.
STACK_TOPOLOGY=${STACK_TOPOLOGY:-$(cat "$STACK_DIR/topology" 2>/dev/null || echo single)}
case "$STACK_TOPOLOGY" in single|cluster) ;; *) echo "stack: error: STACK_TOPOLOGY must be single or cluster, not $STACK_TOPOLOGY" >&2; exit 2 ;; esac
# Three brokers share the box in the cluster topology: smaller heaps each.
KAFKA_HEAP=${KAFKA_HEAP:-$(if [ "$STACK_TOPOLOGY" = cluster ]; then echo 384m; else echo 512m; fi)}
# Cluster topology only. Instance N of a kind listens on the single ports + 100·(N−1)
# (Redis: + N−1); a Redis node's cluster bus is its port + REDIS_CLUSTER_BUS_OFFSET.
ZOOKEEPER_VERSION=${ZOOKEEPER_VERSION:-3.9.5}
ZOOKEEPER_PORT=${ZOOKEEPER_PORT:-12181}
ZOOKEEPER_JARS=$STACK_CACHE/zookeeper-$ZOOKEEPER_VERSION/libs
CLICKHOUSE_INTERSERVER_PORT=${CLICKHOUSE_INTERSERVER_PORT:-19009}
CLICKHOUSE_CLUSTER=${CLICKHOUSE_CLUSTER:-cdnlog_cluster}
REDIS_CLUSTER_BUS_OFFSET=${REDIS_CLUSTER_BUS_OFFSET:-1000}
KAFKA_BROKER_COUNT=3 CLICKHOUSE_SHARD_COUNT=2 REDIS_NODE_COUNT=6

# The processes of the topology, in start order. A name is `<kind>` or `<kind>-<N>`:
# scripts/stack.d/<kind>.sh starts instance N.
stack_components() {
  if [ "$STACK_TOPOLOGY" = single ]; then echo kafka clickhouse redis; return; fi
  local out=zookeeper i
  for i in $(seq 1 $KAFKA_BROKER_COUNT); do out="$out kafka-$i"; done
  for i in $(seq 1 $CLICKHOUSE_SHARD_COUNT); do out="$out clickhouse-$i"; done
  for i in $(seq 1 $REDIS_NODE_COUNT); do out="$out redis-$i"; done
  echo "$out"
}
kind_of() { echo "${1%%-*}"; }
index_of() { [[ $1 == *-* ]] && echo "${1##*-}" || echo 1; }
# Instance N's port, from the single-topology port.
nth_port() { echo $(($1 + 100 * ($2 - 1))); }

# The port a component answers on (the one `status` and readiness use).
component_port() {
  local i; i=$(index_of "$1")
  case "$(kind_of "$1")" in
    kafka) nth_port "$KAFKA_PORT" "$i" ;;
    clickhouse) nth_port "$CLICKHOUSE_HTTP_PORT" "$i" ;;
    redis) echo $((REDIS_PORT + i - 1)) ;;
    zookeeper) echo "$ZOOKEEPER_PORT" ;;
  esac
}

# Every port the topology listens on (scripts/test checks that `down` closed them all).
stack_ports() {
  local c i
  for c in $(stack_components); do
    i=$(index_of "$c")
    case "$(kind_of "$c")" in
      kafka) echo "$(nth_port "$KAFKA_PORT" "$i") $(nth_port "$KAFKA_CONTROLLER_PORT" "$i")" ;;
      clickhouse) echo "$(nth_port "$CLICKHOUSE_HTTP_PORT" "$i") $(nth_port "$CLICKHOUSE_TCP_PORT" "$i")"
        [ "$STACK_TOPOLOGY" = cluster ] && nth_port "$CLICKHOUSE_INTERSERVER_PORT" "$i" ;;
      redis) echo "$((REDIS_PORT + i - 1))"; [ "$STACK_TOPOLOGY" = cluster ] && echo "$((REDIS_PORT + i - 1 + REDIS_CLUSTER_BUS_OFFSET))" ;;
      zookeeper) echo "$ZOOKEEPER_PORT" ;;
    esac
  done | tr ' ' '\n'
}

# host:port of every instance of a kind, comma-separated.
endpoints() { # kind
  local c out=
  for c in $(stack_components); do [ "$(kind_of "$c")" = "$1" ] && out="$out,127.0.0.1:$(component_port "$c")"; done
  echo "${out#,}"
}

# What the services and tests need to reach this stack.
stack_service_env() {
  if [ "$STACK_TOPOLOGY" = single ]; then
    cat <<EOV
KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT
CLICKHOUSE_URL=http://127.0.0.1:$CLICKHOUSE_HTTP_PORT
REDIS_URL=redis://127.0.0.1:$REDIS_PORT
EOV
    return
  fi
  # The services talk to the first ClickHouse server; its Distributed tables reach both shards.
  cat <<EOV
KAFKA_BROKERS=$(endpoints kafka)
KAFKA_REPLICATION_FACTOR=$KAFKA_BROKER_COUNT
CLICKHOUSE_URL=http://127.0.0.1:$CLICKHOUSE_HTTP_PORT
CLICKHOUSE_SCHEMA_MODE=replicated
CLICKHOUSE_CLUSTER=$CLICKHOUSE_CLUSTER
REDIS_CLUSTER_NODES=$(endpoints redis)
REDIS_MIN_REPLICA_ACKS=1
EOV
}

log() { printf '%s\n' "stack: $*" >&2; }
die() { printf '%s\n' "stack: error: $*" >&2; exit 1; }

# pid of a component if its pidfile names a live process that belongs to this
# stack (its command line or working directory is under $STACK_DIR: guards
# against pid reuse), else nothing.
component_pid() {
  local pidfile=$STACK_DIR/run/$1.pid pid
  [ -f "$pidfile" ] || return 0
  pid=$(cat "$pidfile" 2>/dev/null || true)
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 0
  if tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF "$STACK_DIR" \
    || [[ "$(readlink "/proc/$pid/cwd" 2>/dev/null)" == "$STACK_DIR"* ]]; then
    echo "$pid"
  fi
  return 0
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_until() { # seconds description command...
  local seconds=$1 what=$2; shift 2
  local deadline=$((SECONDS + seconds))
  until "$@"; do
    [ $SECONDS -lt $deadline ] || die "$what did not become ready within ${seconds}s (see: scripts/stack logs)"
    sleep 0.5
  done
}

stop_pid() { # name pid
  local name=$1 pid=$2 i
  kill -TERM "$pid" 2>/dev/null || return 0
  for i in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then log "$name did not stop in 30s, killing"; kill -KILL "$pid" 2>/dev/null || true; fi
  rm -f "$STACK_DIR/run/$name.pid"
}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root (or sudo) to run: $*"; fi; }

APT_UPDATED=
apt_install() { # package...
  command -v apt-get >/dev/null || die "apt-get not found: install $* yourself (or use docker compose up)"
  if [ -z "$APT_UPDATED" ]; then as_root apt-get update -qq >/dev/null || die "apt-get update failed"; APT_UPDATED=1; fi
  log "installing $* from Debian packages"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null || die "apt-get install $* failed"
}

# Jars from Maven Central, once, into a cache shared by every clone: `pom` (in stack.d) names
# them with @VERSION@ where the version goes; `dir` gets the jars and a .complete mark.
maven_jars() { # what version pom dir
  local what=$1 version=$2 pom=$3 dir=$4
  [ -f "$dir/.complete" ] && return 0
  command -v java >/dev/null || die "java not found: install a JDK 17+ (e.g. apt-get install openjdk-17-jre-headless)"
  command -v mvn >/dev/null || apt_install maven
  log "downloading $what $version jars from Maven Central into $dir"
  mkdir -p "$dir"
  sed "s/@VERSION@/$version/g" "$ROOT/scripts/stack.d/$pom" > "$dir/../pom.xml"
  mvn -q -f "$dir/../pom.xml" dependency:copy-dependencies -DoutputDirectory="$dir" || die "maven could not fetch the $what jars"
  touch "$dir/.complete"
}

# Node dependencies from the lockfile. `npm install` rather than `npm ci`: with
# `omit-lockfile-registry-resolved=true` (set on our build machines) npm writes a
# lockfile without other platforms' optional binaries, which `npm ci` then rejects;
# `npm install` installs exactly the locked versions and leaves the lockfile as is.
ensure_node_deps() {
  if [ ! -d "$ROOT/node_modules" ] || [ "$ROOT/package-lock.json" -nt "$ROOT/node_modules/.package-lock.json" ]; then
    log "installing node dependencies"
    (cd "$ROOT" && npm install --no-audit --no-fund --loglevel=error) || die "npm install failed"
  fi
}
