#!/usr/bin/env bash
# The agent benchmark of BENCHMARKS.md: colour-classifier through a hub and an agent (two packaged nodes on loopback)
# versus in-process on the agent itself, side by side. About 4 minutes at the defaults on a 2-core machine.
# AGENT_BENCH_NODE_OPTS: more JVM options for both nodes (a variant to compare); AGENT_BENCH_WARMUP: seconds of each
# phase in the first, unrecorded round (the JITs of both nodes need minutes); AGENT_BENCH_PHASES: only some phases.
# Usage: bench/run-agent-bench.sh [seconds per phase] [rounds] [callers] [agent pull loops] [model]
#   (default: 6, 4, 16, 8, colour-classifier; or slow-echo:ROUNDS, a forward pass of about ROUNDS x 30 us)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-6}"
rounds="${2:-4}"
callers="${3:-16}"
loops="${4:-8}"
model="${5:-colour-classifier}"
work=bench/target
mkdir -p "$work/agent-classes"
./mvnw -B -q -DskipTests -Dspotless.check.skip=true package
javac -d "$work/agent-classes" bench/src/dev/runneragent/bench/ClosedLoop.java bench/src/dev/runneragent/agent/AgentBench.java
export GLIBC_TUNABLES="${GLIBC_TUNABLES:-glibc.malloc.mmap_threshold=268435456:glibc.malloc.trim_threshold=1073741824}"
java -cp "$work/agent-classes" dev.runneragent.agent.AgentBench \
  target/quarkus-app/quarkus-run.jar "$seconds" "$rounds" "$callers" "$loops" "$model" 2> "$work/agent-bench.log"
echo "Progress by round: $work/agent-bench.log; the nodes' logs: $work/agent-bench-hub.log, $work/agent-bench-agent.log"
