# Settings of the local stack. Every value can be overridden from the environment.
# Sourced by scripts/stack; `stack env` prints the service-side variables.
ROOT=${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
STACK_DIR=${STACK_DIR:-$ROOT/.stack}
STACK_CACHE=${STACK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/cdnlog}
KAFKA_VERSION=${KAFKA_VERSION:-3.9.1}
KAFKA_PORT=${KAFKA_PORT:-19092}
KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-19093}
KAFKA_HEAP=${KAFKA_HEAP:-512m}
CLICKHOUSE_HTTP_PORT=${CLICKHOUSE_HTTP_PORT:-18123}
CLICKHOUSE_TCP_PORT=${CLICKHOUSE_TCP_PORT:-19000}
REDIS_PORT=${REDIS_PORT:-16379}
KAFKA_JARS=$STACK_CACHE/kafka-$KAFKA_VERSION/libs

# What the services and tests need to reach this stack.
stack_service_env() {
  cat <<EOV
KAFKA_BROKERS=127.0.0.1:$KAFKA_PORT
CLICKHOUSE_URL=http://127.0.0.1:$CLICKHOUSE_HTTP_PORT
REDIS_URL=redis://127.0.0.1:$REDIS_PORT
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
