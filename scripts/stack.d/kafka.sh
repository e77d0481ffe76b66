# Apache Kafka in KRaft combined mode (each node is broker + controller), run from
# the Maven Central jars, cached in $STACK_CACHE across clones. Single topology: one
# node, replication factors 1. Cluster topology: three nodes, kafka-1..3, forming one
# controller quorum; replication factor 3 with min.insync.replicas=2 everywhere, so an
# acks=all write survives one broker's loss and refuses to go on with only one copy.

kafka_install() { maven_jars "Apache Kafka" "$KAFKA_VERSION" kafka-pom.xml "$KAFKA_JARS"; }

kafka_java() { java -cp "$KAFKA_JARS/*" -Dlog4j.configuration="file:$1/log4j.properties" "${@:2}"; }

# The directory and log name of node N: `kafka` in the single topology, `kafka-N` in the cluster.
kafka_name() { if [ "$STACK_TOPOLOGY" = single ]; then echo kafka; else echo "kafka-$1"; fi; }

kafka_configure() { # node
  local n=$1 name dir voters= i replicas=1 min_isr=1
  name=$(kafka_name "$n"); dir=$STACK_DIR/$name
  if [ "$STACK_TOPOLOGY" = single ]; then
    voters="1@127.0.0.1:$KAFKA_CONTROLLER_PORT"
  else
    for i in $(seq 1 $KAFKA_BROKER_COUNT); do voters="$voters,$i@127.0.0.1:$(nth_port "$KAFKA_CONTROLLER_PORT" "$i")"; done
    voters=${voters#,} replicas=$KAFKA_BROKER_COUNT min_isr=2
  fi
  local port controller; port=$(nth_port "$KAFKA_PORT" "$n"); controller=$(nth_port "$KAFKA_CONTROLLER_PORT" "$n")
  mkdir -p "$dir/data" "$STACK_DIR/logs"
  cat > "$dir/server.properties" <<EOP
process.roles=broker,controller
node.id=$n
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
num.partitions=6
auto.create.topics.enable=false
default.replication.factor=$replicas
offsets.topic.replication.factor=$replicas
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=$replicas
transaction.state.log.min.isr=$min_isr
min.insync.replicas=$min_isr
unclean.leader.election.enable=false
group.initial.rebalance.delay.ms=0
log.retention.hours=168
log.segment.bytes=268435456
EOP
  cat > "$dir/log4j.properties" <<EOP
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=$STACK_DIR/logs/$name.log
log4j.appender.file.MaxFileSize=50MB
log4j.appender.file.MaxBackupIndex=2
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=WARN
log4j.logger.state.change.logger=WARN
EOP
  if [ ! -f "$dir/data/meta.properties" ]; then
    # Every node of a cluster is formatted with the same cluster id.
    local idfile=$STACK_DIR/run/kafka-cluster-id
    [ -s "$idfile" ] || kafka_java "$dir" kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n1 > "$idfile"
    kafka_java "$dir" kafka.tools.StorageTool format -t "$(cat "$idfile")" -c "$dir/server.properties" >/dev/null \
      || die "kafka storage format failed ($name)"
  fi
}

kafka_start() { # node
  local name; name=$(kafka_name "$1")
  kafka_configure "$1"
  log "starting $name on 127.0.0.1:$(nth_port "$KAFKA_PORT" "$1")"
  # setsid: the broker must not die with the shell that started it.
  env -C "$STACK_DIR/$name" setsid nohup java "-Xms${KAFKA_HEAP}" "-Xmx${KAFKA_HEAP}" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -Dlog4j.configuration="file:$STACK_DIR/$name/log4j.properties" -cp "$KAFKA_JARS/*" \
    kafka.Kafka "$STACK_DIR/$name/server.properties" > "$STACK_DIR/logs/$name.out" 2>&1 < /dev/null &
  echo $! > "$STACK_DIR/run/$name.pid"
}

# Port open here; the real request (metadata + topic creation) is made by provisioning.
kafka_ready() { port_open "$(nth_port "$KAFKA_PORT" "$1")"; }
