# Apache Kafka in KRaft combined mode (broker + controller, one node), run from
# the Maven Central jars. The jars are cached in $STACK_CACHE across clones.

kafka_install() {
  [ -f "$KAFKA_JARS/.complete" ] && return 0
  command -v java >/dev/null || die "java not found: install a JDK 17+ (e.g. apt-get install openjdk-17-jre-headless)"
  command -v mvn >/dev/null || apt_install maven
  log "downloading Apache Kafka $KAFKA_VERSION jars from Maven Central into $KAFKA_JARS"
  mkdir -p "$KAFKA_JARS"
  sed "s/@KAFKA_VERSION@/$KAFKA_VERSION/g" "$ROOT/scripts/stack.d/kafka-pom.xml" > "$STACK_CACHE/kafka-$KAFKA_VERSION/pom.xml"
  mvn -q -f "$STACK_CACHE/kafka-$KAFKA_VERSION/pom.xml" dependency:copy-dependencies -DoutputDirectory="$KAFKA_JARS" \
    || die "maven could not fetch the Kafka jars"
  touch "$KAFKA_JARS/.complete"
}

kafka_java() { java -cp "$KAFKA_JARS/*" -Dlog4j.configuration="file:$STACK_DIR/kafka/log4j.properties" "$@"; }

kafka_configure() {
  local dir=$STACK_DIR/kafka
  mkdir -p "$dir/data" "$STACK_DIR/logs"
  cat > "$dir/server.properties" <<EOP
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
num.partitions=6
auto.create.topics.enable=false
offsets.topic.replication.factor=1
offsets.topic.num.partitions=10
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
min.insync.replicas=1
group.initial.rebalance.delay.ms=0
log.retention.hours=168
log.segment.bytes=268435456
EOP
  cat > "$dir/log4j.properties" <<EOP
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.RollingFileAppender
log4j.appender.file.File=$STACK_DIR/logs/kafka.log
log4j.appender.file.MaxFileSize=50MB
log4j.appender.file.MaxBackupIndex=2
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka=INFO
log4j.logger.org.apache.kafka=WARN
log4j.logger.state.change.logger=WARN
EOP
  if [ ! -f "$dir/data/meta.properties" ]; then
    local cluster_id
    cluster_id=$(kafka_java kafka.tools.StorageTool random-uuid 2>/dev/null | tail -n1)
    kafka_java kafka.tools.StorageTool format -t "$cluster_id" -c "$dir/server.properties" >/dev/null \
      || die "kafka storage format failed"
  fi
}

kafka_start() {
  kafka_configure
  log "starting kafka on 127.0.0.1:$KAFKA_PORT"
  # setsid: the broker must not die with the shell that started it.
  env -C "$STACK_DIR/kafka" setsid nohup java "-Xms${KAFKA_HEAP}" "-Xmx${KAFKA_HEAP}" -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
    -Dlog4j.configuration="file:$STACK_DIR/kafka/log4j.properties" -cp "$KAFKA_JARS/*" \
    kafka.Kafka "$STACK_DIR/kafka/server.properties" > "$STACK_DIR/logs/kafka.out" 2>&1 < /dev/null &
  echo $! > "$STACK_DIR/run/kafka.pid"
}

# Port open here; the real request (metadata + topic creation) is made by provisioning.
kafka_ready() { port_open "$KAFKA_PORT"; }
