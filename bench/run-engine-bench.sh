#!/usr/bin/env bash
# The engine benchmark of BENCHMARKS.md: raw DJL versus the engine, side by side in one JVM.
# Needs Debian's PyTorch for the benchmark model (apt-get install python3-torch).
# Usage: bench/run-engine-bench.sh [seconds per phase] [model ids...]   (default: 10, bench-mlp colour-classifier)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-10}"
shift || true
[ $# -gt 0 ] && models=("$@") || models=(bench-mlp colour-classifier)
work=bench/target
rm -rf "$work" && mkdir -p "$work/classes" "$work/models"
./mvnw -B -q -DskipTests -Dspotless.check.skip=true package
./mvnw -B -q dependency:build-classpath -Dmdep.outputFile="$work/classpath.txt" -Dmdep.includeScope=runtime
classpath="target/classes:$(cat "$work/classpath.txt")"
javac -d "$work/classes" -cp "$classpath" bench/src/dev/runneragent/execution/EngineBench.java
/usr/bin/python3 bench/make_bench_model.py "$work/models"
cp -r models/colour-classifier "$work/models/"
# The sample's own batch settings would override the benchmark's; drop them so each phase sets its own.
python3 - "$work/models/colour-classifier/model.json" <<'PY'
import json, sys
path = sys.argv[1]
model = json.load(open(path))
for key in ("maxBatchSize", "maxBatchDelayMs"):
    model["metadata"]["execution"].pop(key, None)
json.dump(model, open(path, "w"), indent=1)
PY
# Both sides run under the same malloc settings (see research: glibc returns PyTorch's buffers to the OS otherwise).
export GLIBC_TUNABLES="${GLIBC_TUNABLES:-glibc.malloc.mmap_threshold=268435456:glibc.malloc.trim_threshold=1073741824}"
for model in "${models[@]}"; do
  java -Dai.djl.offline=true -Djava.util.logging.manager=org.jboss.logmanager.LogManager \
    -cp "$work/classes:$classpath" dev.runneragent.execution.EngineBench "$work/models" "$model" "$seconds" \
    2> "$work/$model.log"
done
