# ClickHouse server from the Debian package, with a project-local config:
# data, logs and ports under $STACK_DIR; timezone UTC. Cluster topology: two
# servers, clickhouse-1 and clickhouse-2, each one shard (one replica) of
# $CLICKHOUSE_CLUSTER, with ZooKeeper for Replicated tables and ON CLUSTER DDL.

clickhouse_install() {
  command -v clickhouse-server >/dev/null && return 0
  apt_install clickhouse-server clickhouse-client
}

clickhouse_name() { if [ "$STACK_TOPOLOGY" = single ]; then echo clickhouse; else echo "clickhouse-$1"; fi; }

# The cluster's part of a server's config: the shards, ZooKeeper, this server's macros.
clickhouse_cluster_config() { # server
  [ "$STACK_TOPOLOGY" = cluster ] || return 0
  local i shards=
  for i in $(seq 1 $CLICKHOUSE_SHARD_COUNT); do
    shards="$shards<shard><internal_replication>true</internal_replication><replica><host>127.0.0.1</host><port>$(nth_port "$CLICKHOUSE_TCP_PORT" "$i")</port></replica></shard>"
  done
  cat <<EOX
  <interserver_http_host>127.0.0.1</interserver_http_host>
  <interserver_http_port>$(nth_port "$CLICKHOUSE_INTERSERVER_PORT" "$1")</interserver_http_port>
  <remote_servers><$CLICKHOUSE_CLUSTER>$shards</$CLICKHOUSE_CLUSTER></remote_servers>
  <zookeeper><node><host>127.0.0.1</host><port>$ZOOKEEPER_PORT</port></node><session_timeout_ms>10000</session_timeout_ms></zookeeper>
  <macros><shard>0$1</shard><replica>clickhouse-$1</replica></macros>
  <distributed_ddl><path>/clickhouse/task_queue/ddl</path></distributed_ddl>
EOX
}

clickhouse_configure() { # server
  local name; name=$(clickhouse_name "$1")
  local dir=$STACK_DIR/$name http tcp
  http=$(nth_port "$CLICKHOUSE_HTTP_PORT" "$1"); tcp=$(nth_port "$CLICKHOUSE_TCP_PORT" "$1")
  mkdir -p "$dir/data/tmp" "$dir/data/user_files" "$dir/data/format_schemas" "$STACK_DIR/logs"
  cat > "$dir/config.xml" <<EOX
<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>$STACK_DIR/logs/$name.log</log>
    <errorlog>$STACK_DIR/logs/$name.err.log</errorlog>
    <size>50M</size>
    <count>2</count>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$http</http_port>
  <tcp_port>$tcp</tcp_port>
$(clickhouse_cluster_config "$1")
  <max_connections>1024</max_connections>
  <keep_alive_timeout>10</keep_alive_timeout>
  <max_concurrent_queries>100</max_concurrent_queries>
  <uncompressed_cache_size>268435456</uncompressed_cache_size>
  <mark_cache_size>268435456</mark_cache_size>
  <path>$dir/data/</path>
  <tmp_path>$dir/data/tmp/</tmp_path>
  <user_files_path>$dir/data/user_files/</user_files_path>
  <format_schema_path>$dir/data/format_schemas/</format_schema_path>
  <users_config>$dir/users.xml</users_config>
  <default_profile>default</default_profile>
  <default_database>default</default_database>
  <timezone>UTC</timezone>
  <mlock_executable>false</mlock_executable>
  <builtin_dictionaries_reload_interval>3600</builtin_dictionaries_reload_interval>
  <max_session_timeout>3600</max_session_timeout>
  <default_session_timeout>60</default_session_timeout>
</yandex>
EOX
  cat > "$dir/users.xml" <<'EOX'
<?xml version="1.0"?>
<yandex>
  <profiles>
    <default>
      <max_memory_usage>2000000000</max_memory_usage>
      <use_uncompressed_cache>0</use_uncompressed_cache>
      <load_balancing>random</load_balancing>
    </default>
  </profiles>
  <users>
    <default>
      <password></password>
      <networks><ip>127.0.0.1</ip><ip>::1</ip></networks>
      <profile>default</profile>
      <quota>default</quota>
    </default>
  </users>
  <quotas>
    <default><interval><duration>3600</duration><queries>0</queries><errors>0</errors><result_rows>0</result_rows><read_rows>0</read_rows><execution_time>0</execution_time></interval></default>
  </quotas>
</yandex>
EOX
}

clickhouse_start() { # server
  local name; name=$(clickhouse_name "$1")
  clickhouse_configure "$1"
  log "starting $name on 127.0.0.1:$(nth_port "$CLICKHOUSE_HTTP_PORT" "$1") (http) / $(nth_port "$CLICKHOUSE_TCP_PORT" "$1") (native)"
  env -C "$STACK_DIR/$name" setsid nohup clickhouse-server --config-file="$STACK_DIR/$name/config.xml" \
    > "$STACK_DIR/logs/$name.out" 2>&1 < /dev/null &
  echo $! > "$STACK_DIR/run/$name.pid"
}

# A real query over HTTP.
clickhouse_ready() { [ "$(curl -fsS "http://127.0.0.1:$(nth_port "$CLICKHOUSE_HTTP_PORT" "$1")/?query=SELECT%201" 2>/dev/null)" = "1" ]; }
