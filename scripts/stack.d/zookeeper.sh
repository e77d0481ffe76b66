# Apache ZooKeeper, standalone, from the Maven Central jars (cached like Kafka's). Only
# in the cluster topology: ClickHouse 18.16 keeps Replicated tables' metadata and the
# ON CLUSTER DDL queue there. One node; it is not one of the faults the cluster tests inject.

zookeeper_install() { maven_jars "Apache ZooKeeper" "$ZOOKEEPER_VERSION" zookeeper-pom.xml "$ZOOKEEPER_JARS"; }

zookeeper_start() {
  local dir=$STACK_DIR/zookeeper
  mkdir -p "$dir/data" "$STACK_DIR/logs"
  cat > "$dir/zoo.cfg" <<EOC
tickTime=2000
initLimit=10
syncLimit=5
dataDir=$dir/data
clientPort=$ZOOKEEPER_PORT
clientPortAddress=127.0.0.1
admin.enableServer=false
4lw.commands.whitelist=ruok
autopurge.purgeInterval=1
EOC
  log "starting zookeeper on 127.0.0.1:$ZOOKEEPER_PORT"
  env -C "$dir" setsid nohup java -Xms128m -Xmx128m -cp "$ZOOKEEPER_JARS/*" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
    org.apache.zookeeper.server.quorum.QuorumPeerMain "$dir/zoo.cfg" > "$STACK_DIR/logs/zookeeper.log" 2>&1 < /dev/null &
  echo $! > "$STACK_DIR/run/zookeeper.pid"
}

# A real request: the `ruok` four-letter command.
zookeeper_ready() {
  local reply
  reply=$( (exec 3<>"/dev/tcp/127.0.0.1/$ZOOKEEPER_PORT" && printf 'ruok' >&3 && head -c 4 <&3) 2>/dev/null) || return 1
  [ "$reply" = imok ]
}
