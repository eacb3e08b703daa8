#!/usr/bin/env bash
# The runner-queue benchmark of BENCHMARKS.md: the hub's queue on embedded H2 and on PostgreSQL, side by side in
# one JVM. PostgreSQL is the machine's (127.0.0.1:5432, database test, user postgres); the benchmark works in a
# fresh schema that it drops at the end. About 15 minutes at the defaults on a 2-core machine. Optional settings:
#   QUEUE_BENCH_ROUNDS      rounds (default 5)
#   QUEUE_BENCH_PHASES      only the phases whose name contains this text, e.g. 'PostgreSQL, 8 runners'
#   QUEUE_BENCH_CALLERS     outstanding callers in the throughput phases (default 256)
#   QUEUE_BENCH_POSTGRES    a JDBC URL for another PostgreSQL database
#   QUEUE_BENCH_JAVA_OPTS   more JVM options, e.g. -XX:StartFlightRecording=filename=bench/target/queue.jfr
# Usage: bench/run-queue-bench.sh [seconds per phase] [h2] [postgresql]   (default: 10, both stores)
set -euo pipefail
cd "$(dirname "$0")/.."
settings="$(env | grep -E '^QUEUE_BENCH_' | sort | sed -E "s/^([^=]*)=(.*)$/\1='\2' /" | tr -d '\n')"
command_line="${settings}bench/run-queue-bench.sh $*"
seconds="${1:-10}"
shift || true
[ $# -gt 0 ] && stores=("$@") || stores=(h2 postgresql)
work=bench/target
rm -rf "$work/queue-classes" && mkdir -p "$work/queue-classes"
./mvnw -B -q -DskipTests -Dspotless.check.skip=true package
./mvnw -B -q dependency:build-classpath -Dmdep.outputFile="$work/classpath.txt" -Dmdep.includeScope=runtime
classpath="target/classes:$(cat "$work/classpath.txt")"
javac -d "$work/queue-classes" -cp "$classpath" bench/src/dev/runneragent/runner/QueueBench.java
# shellcheck disable=SC2086 # the options are words
java -Djava.util.logging.manager=org.jboss.logmanager.LogManager ${QUEUE_BENCH_JAVA_OPTS:-} \
  -Dbench.rounds="${QUEUE_BENCH_ROUNDS:-5}" \
  -Dbench.phases="${QUEUE_BENCH_PHASES:-}" \
  -Dbench.callers="${QUEUE_BENCH_CALLERS:-256}" \
  -Dbench.postgres="${QUEUE_BENCH_POSTGRES:-jdbc:postgresql://127.0.0.1:5432/test?user=postgres}" \
  -Dbench.command="$command_line" \
  -cp "$work/queue-classes:$classpath" dev.runneragent.runner.QueueBench "$seconds" "${stores[@]}" \
  2> "$work/queue-bench.log"
problems="$(grep -cE 'WARN|ERROR|Exception' "$work/queue-bench.log" || true)"
echo "Progress by round and the hub's own log: $work/queue-bench.log ($problems warning or error lines)"
