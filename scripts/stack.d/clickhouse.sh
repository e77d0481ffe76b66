# ClickHouse server from the Debian package, with a project-local config:
# data, logs and ports under $STACK_DIR; timezone UTC.

clickhouse_install() {
  command -v clickhouse-server >/dev/null && return 0
  apt_install clickhouse-server clickhouse-client
}

clickhouse_configure() {
  local dir=$STACK_DIR/clickhouse
  mkdir -p "$dir/data/tmp" "$dir/data/user_files" "$dir/data/format_schemas" "$STACK_DIR/logs"
  cat > "$dir/config.xml" <<EOX
<?xml version="1.0"?>
<yandex>
  <logger>
    <level>warning</level>
    <log>$STACK_DIR/logs/clickhouse.log</log>
    <errorlog>$STACK_DIR/logs/clickhouse.err.log</errorlog>
    <size>50M</size>
    <count>2</count>
  </logger>
  <listen_host>127.0.0.1</listen_host>
  <http_port>$CLICKHOUSE_HTTP_PORT</http_port>
  <tcp_port>$CLICKHOUSE_TCP_PORT</tcp_port>
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

clickhouse_start() {
  clickhouse_configure
  log "starting clickhouse on 127.0.0.1:$CLICKHOUSE_HTTP_PORT (http) / $CLICKHOUSE_TCP_PORT (native)"
  env -C "$STACK_DIR/clickhouse" setsid nohup clickhouse-server --config-file="$STACK_DIR/clickhouse/config.xml" \
    > "$STACK_DIR/logs/clickhouse.out" 2>&1 < /dev/null &
  echo $! > "$STACK_DIR/run/clickhouse.pid"
}

# A real query over HTTP.
clickhouse_ready() { [ "$(curl -fsS "http://127.0.0.1:$CLICKHOUSE_HTTP_PORT/?query=SELECT%201" 2>/dev/null)" = "1" ]; }
