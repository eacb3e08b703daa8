#!/usr/bin/env bash
# The workflow benchmark of BENCHMARKS.md: a model through a workflow versus called directly, over HTTP against
# the packaged node (a separate process on the sample models). About 6 minutes at the defaults on a 2-core machine.
# Usage: bench/run-workflow-bench.sh [seconds per phase] [rounds] [callers]   (default: 6, 4, 16)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-6}"
rounds="${2:-4}"
callers="${3:-16}"
work=bench/target
mkdir -p "$work/workflow-classes"
./mvnw -B -q -DskipTests -Dspotless.check.skip=true package
javac -d "$work/workflow-classes" bench/src/dev/runneragent/bench/ClosedLoop.java bench/src/dev/runneragent/workflow/WorkflowBench.java
export GLIBC_TUNABLES="${GLIBC_TUNABLES:-glibc.malloc.mmap_threshold=268435456:glibc.malloc.trim_threshold=1073741824}"
java -cp "$work/workflow-classes" dev.runneragent.workflow.WorkflowBench \
  target/quarkus-app/quarkus-run.jar "$seconds" "$rounds" "$callers" 2> "$work/workflow-bench.log"
echo "Progress by round: $work/workflow-bench.log; the node's log: $work/workflow-node.log"
