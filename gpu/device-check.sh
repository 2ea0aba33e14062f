#!/usr/bin/env bash
# The GPU check of the gpu module, for a GPU machine with no Maven, no network and perhaps no Java.
# Prepare .device/ where Maven is (bash gpu/prepare-device-bundle.sh), carry it, then on the GPU
# machine, from the repository root:
#
#   bash gpu/device-check.sh          # nvidia-smi, the GPU-tagged tests, the example, the benchmarks
#   bash gpu/device-check.sh --all    # the same with every gpu-module test (CPU ones too)
#   bash gpu/device-check.sh --all --no-gpu-ok   # where there is no GPU: checks the bundle itself
#
# Everything printed also goes to $OUT/device-check.txt when OUT is set, and the JUnit XML reports
# to $OUT/junit (else .device/reports). Stays under 8 minutes on an H100: each step has a timeout.
# Exit status: 0 when the tests passed and the example and the benchmarks ran on a GPU; 1 otherwise
# (no GPU found counts as a failure unless --no-gpu-ok is given, so skipped tests never pass silently).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
BUNDLE=.device
TESTS_TIMEOUT_S=240
EXAMPLE_TIMEOUT_S=60
BENCH_TIMEOUT_S=150

check() {
    local status=0
    echo "== Mobula GPU device check, $(date -u +%Y-%m-%dT%H:%M:%SZ), $(uname -srm), $(nproc) CPUs"
    if [ ! -x "$BUNDLE/jre/bin/java" ]; then
        echo "no $BUNDLE/jre: run 'bash gpu/prepare-device-bundle.sh' where Maven is, and carry $BUNDLE/"
        return 1
    fi
    sed -n '1,5p' "$BUNDLE/MANIFEST.txt"

    echo; echo "== nvidia-smi"
    if command -v nvidia-smi > /dev/null; then
        nvidia-smi --query-gpu=index,name,driver_version,memory.total,compute_cap --format=csv || true
        nvidia-smi || true
    else
        echo "nvidia-smi not found"
    fi

    local java="$BUNDLE/jre/bin/java"
    local flags
    # jvm.flags as at the root: one flag a line, blank lines and # comments skipped.
    mapfile -t flags < <(sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' -e '/^#/d' -e '/^$/d' "$BUNDLE/jvm.flags")
    flags+=(-Xss2m)
    local classpath="$BUNDLE/test-classes"
    local jar
    for jar in "$BUNDLE"/lib/*.jar; do
        classpath="$classpath:$jar"
    done
    local console
    console=$(ls "$BUNDLE"/junit-platform-console-standalone-*.jar | head -1)
    local reports="${OUT:+$OUT/junit}"
    reports="${reports:-$BUNDLE/reports}"
    local tags=(--include-tag gpu)
    local bench_args=(--require-gpu)
    local arg
    for arg in "$@"; do
        case "$arg" in
            --all) tags=() ;;
            --no-gpu-ok) bench_args=() ;;
            *) echo "unknown option $arg; usage: bash gpu/device-check.sh [--all] [--no-gpu-ok]"; return 1 ;;
        esac
    done

    echo; "$java" -version 2>&1

    echo; echo "== tests ${tags[*]:-(all)} (timeout ${TESTS_TIMEOUT_S}s)"
    local start=$SECONDS
    timeout "$TESTS_TIMEOUT_S" "$java" "${flags[@]}" -cp "$console:$classpath" org.junit.platform.console.ConsoleLauncher \
        execute --disable-banner --disable-ansi-colors --details=tree --scan-class-path "$BUNDLE/test-classes" "${tags[@]}" \
        --reports-dir "$reports"
    local tests_rc=$?
    echo "tests: exit $tests_rc in $((SECONDS - start))s (0 = all passed; skipped tests print their reason)"
    [ "$tests_rc" -eq 0 ] || status=1

    echo; echo "== example: GpuParameterServerProgram (timeout ${EXAMPLE_TIMEOUT_S}s)"
    start=$SECONDS
    timeout "$EXAMPLE_TIMEOUT_S" "$java" "${flags[@]}" -cp "$classpath" io.mobula.gpu.examples.GpuParameterServerProgram --epochs 15
    local example_rc=$?
    echo "example: exit $example_rc in $((SECONDS - start))s"
    [ "$example_rc" -eq 0 ] || status=1

    echo; echo "== benchmarks: GpuBenchmarks (timeout ${BENCH_TIMEOUT_S}s)"
    start=$SECONDS
    timeout "$BENCH_TIMEOUT_S" "$java" "${flags[@]}" -cp "$classpath" io.mobula.gpu.bench.GpuBenchmarks "${bench_args[@]}"
    local bench_rc=$?
    echo "benchmarks: exit $bench_rc in $((SECONDS - start))s"
    [ "$bench_rc" -eq 0 ] || status=1

    local verdict=FAILED
    [ "$status" -eq 0 ] && verdict=PASSED
    echo; echo "== device check: $verdict (tests $tests_rc, example $example_rc, benchmarks $bench_rc)"
    return "$status"
}

if [ -n "${OUT:-}" ]; then
    mkdir -p "$OUT"
    check "$@" 2>&1 | tee "$OUT/device-check.txt"
    exit "${PIPESTATUS[0]}"
fi
check "$@"
