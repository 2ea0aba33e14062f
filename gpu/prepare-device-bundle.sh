#!/usr/bin/env bash
# Prepares .device/ (at the repository root): everything gpu/device-check.sh needs on a GPU machine
# that has no Maven, no network and perhaps no Java. Run it here, where Maven and JDK 25 are:
#
#   bash gpu/prepare-device-bundle.sh          # then carry .device/ and run: bash gpu/device-check.sh
#
# .device/
#   jre/            a jlink'd Java 25 runtime with only the modules the code uses (jdeps finds them)
#   lib/            mobula-gpu and its runtime dependencies (JCuda with its linux-x86_64 natives)
#   test-classes/   the gpu module's compiled tests and benchmarks (io.mobula.gpu.bench.GpuBenchmarks)
#   junit-platform-console-standalone-*.jar   runs the tests without Maven
#   jvm.flags       the JVM flags every Mobula JVM needs (a copy of the root's jvm.flags)
#   MANIFEST.txt    what was bundled, from which commit
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
JDK="${MOBULA_BUNDLE_JDK:-/usr/lib/jvm/temurin-25-jdk-amd64}"
CONSOLE_VERSION=6.0.1
BUNDLE=.device
LIMIT_MIB=55
# Modules jdeps cannot see because they are reached by reflection or service lookup.
EXTRA_MODULES=jdk.unsupported,java.management,jdk.management,java.logging,java.xml,java.sql
# Fory's vectorised path is used only where the incubator module is resolved, which a class-path
# application does not do (as under Maven): leave it out, and its start-up warning with it.
DROP_MODULES=jdk.incubator.vector

fail() { echo "prepare-device-bundle: $*" >&2; exit 1; }

[ -x "$JDK/bin/jlink" ] || fail "no JDK at $JDK; set MOBULA_BUNDLE_JDK to a JDK 25"
"$JDK/bin/java" -version 2>&1 | grep -q 'version "25' || fail "$JDK is not a JDK 25"

echo "== build: native (PTX) and gpu with their dependencies; tests compiled, not run"
mvn -B -q -o -pl gpu -am install -DskipTests
PTX=native/target/cmake/gpu-resources/io/mobula/gpu/kernels/mobula_kernels.ptx
[ -f "$PTX" ] || fail "no PTX at $PTX: nvcc was not found by CMake, and the device check needs the kernels"
GPU_JAR=$(ls gpu/target/mobula-gpu-*.jar | grep -v -e sources -e tests | head -1)
unzip -l "$GPU_JAR" | grep 'io/mobula/gpu/kernels/mobula_kernels.ptx' > /dev/null || fail "$GPU_JAR lacks the PTX"

echo "== collect jars and test classes"
rm -rf "$BUNDLE"
mkdir -p "$BUNDLE/lib"
mvn -B -q -o -pl gpu dependency:copy-dependencies -DincludeScope=runtime -DexcludeTypes=pom \
    -DoutputDirectory="$ROOT/$BUNDLE/lib"
cp "$GPU_JAR" "$BUNDLE/lib/"
# JCuda's natives jar also carries the NVRTC and nvPTXCompiler bindings (24 MiB unpacked); Mobula
# uses only the driver API, so the bundle keeps libJCudaDriver (and libJCudaRuntime) alone.
for natives in "$BUNDLE"/lib/jcuda-natives-*.jar; do
    zip -q -d "$natives" 'lib/libJNvPTXCompiler*' 'lib/libJNvrtc*' || fail "cannot slim $natives (is zip installed?)"
done
cp -r gpu/target/test-classes "$BUNDLE/test-classes"
CONSOLE_ARTIFACT=org.junit.platform:junit-platform-console-standalone:$CONSOLE_VERSION
mvn -B -q -o dependency:copy -Dartifact=$CONSOLE_ARTIFACT -DoutputDirectory="$ROOT/$BUNDLE" 2>/dev/null \
    || mvn -B -q dependency:copy -Dartifact=$CONSOLE_ARTIFACT -DoutputDirectory="$ROOT/$BUNDLE" \
    || fail "cannot get $CONSOLE_ARTIFACT (offline and not in ~/.m2)"
CONSOLE_JAR="$BUNDLE/junit-platform-console-standalone-$CONSOLE_VERSION.jar"
[ -f "$CONSOLE_JAR" ] || fail "missing $CONSOLE_JAR"
cp jvm.flags "$BUNDLE/jvm.flags"

echo "== jlink a Java runtime"
MODULES=$("$JDK/bin/jdeps" --multi-release 25 --ignore-missing-deps --print-module-deps \
    "$BUNDLE"/lib/*.jar "$BUNDLE/test-classes" "$CONSOLE_JAR" 2>/dev/null | tail -1)
[[ "$MODULES" =~ ^java\.base(,[a-z.]+)*$ ]] || fail "jdeps gave no module list: '$MODULES'"
MODULES=$(echo "$MODULES,$EXTRA_MODULES" | tr ',' '\n' | grep -v -x -e "$DROP_MODULES" | sort -u | paste -sd, -)
echo "modules: $MODULES"
"$JDK/bin/jlink" --add-modules "$MODULES" --strip-debug --no-header-files --no-man-pages --compress=zip-6 \
    --output "$BUNDLE/jre"
# libjvm.so is most of the runtime; its local symbols are not needed to run (distributions strip them).
if command -v strip > /dev/null; then
    strip --strip-unneeded "$BUNDLE/jre/lib/server/libjvm.so"
fi
"$BUNDLE/jre/bin/java" -version

{
    echo "Mobula GPU device bundle"
    echo "commit:  $(git rev-parse HEAD 2>/dev/null || echo unknown)$(git diff --quiet 2>/dev/null || echo ' (with uncommitted changes)')"
    echo "built:   $(date -u +%Y-%m-%dT%H:%M:%SZ) on $(uname -m)"
    echo "jdk:     $("$JDK/bin/java" -version 2>&1 | head -1)"
    echo "modules: $MODULES"
    echo "ptx:     $(grep -m1 '^\.version' "$PTX") $(grep -m1 '^\.target' "$PTX")"
    echo "files:"
    (cd "$BUNDLE" && ls lib/ && ls -d test-classes junit-*.jar jre jvm.flags) | sed 's/^/  /'
} > "$BUNDLE/MANIFEST.txt"

SIZE_MIB=$(du -sm "$BUNDLE" | cut -f1)
echo "== $BUNDLE: ${SIZE_MIB} MiB"
du -sh "$BUNDLE"/* | sed 's/^/   /'
[ "$SIZE_MIB" -le "$LIMIT_MIB" ] || fail "$BUNDLE is ${SIZE_MIB} MiB, over the ${LIMIT_MIB} MiB limit"
echo "ready: carry $BUNDLE/ and run 'bash gpu/device-check.sh' from the repository root on the GPU machine"
