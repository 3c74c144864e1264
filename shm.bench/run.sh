#!/usr/bin/env bash
# One benchmark run of the shm platform beside its references, on this machine, in one go (≤ 20 minutes on 2 cores).
# Every figure of docs/performance.md comes out of it: the platform's figure, the reference's figure measured in the
# same run (C and bare-Java programs of shm.bench/reference, compiled here), and the ratio platform ÷ reference (below 1
# means slower). Before each section it waits for a quiet machine (CPU use of everything else below a threshold, with
# a deadline) and records how busy the machine was, so a table measured under load says so.
#
#   shm.bench/run.sh                       the full run; the table: shm.bench/target/results/table.md
#   SHM_BENCH_QUICK=1 shm.bench/run.sh     short iteration counts (minutes), for developing the script: not a result
#
# Environment (all optional):
#   SHM_BENCH_QUICK=1       short counts everywhere
#   SHM_BENCH_NO_BUILD=1    use the jars already built (shm.runtime/target/shm.jar, shm.bench/target)
#   SHM_BENCH_ONLY="a b"    run only these sections (c java jmh overhead paired pingpong events scale startup syscalls),
#                           keeping the other sections' results of the last run
#   QUIET_BUSY=0.25         "quiet": the machine's CPUs were busy less than this fraction over 3 s (all CPUs)
#   QUIET_MAX=60            seconds to wait for quiet before a section (then it runs anyway, flagged)
#   QUIET_BUDGET=300        seconds of quiet waiting in the whole run
#   JMH_ARGS="..."          JMH options instead of the defaults below
# Needs: a JDK 25 under /usr/lib/jvm (or JAVA25=/path/to/java), Maven, gcc, python3, strace (installed through
# apt-get when missing and running as root).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
out=$here/target/results
ref=$here/reference
quick=${SHM_BENCH_QUICK:-}

die() { echo "run.sh: $*" >&2; exit 1; }

java25=${JAVA25:-$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -n 1)}
[ -n "$java25" ] && [ -x "$java25" ] || die "no JDK 25 found under /usr/lib/jvm (set JAVA25=/path/to/bin/java)"
jbin=$(dirname "$java25")
command -v gcc >/dev/null || die "gcc is missing: the C references are compiled by this script (apt-get install gcc)"
command -v python3 >/dev/null || die "python3 is missing: it measures start-up and writes the table"
if ! command -v strace >/dev/null; then
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "strace is missing: installing it with apt-get" >&2
        (apt-get install -y -qq strace >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq strace >/dev/null 2>&1; }) \
            || die "strace is missing and apt-get could not install it: the syscall counts need it"
    else
        die "strace is missing: the syscall counts need it (apt-get install strace)"
    fi
fi

# Counts: full run / quick run.
if [ -n "$quick" ]; then
    SCALE_N=10000; REPS=3; PP_N=100000; PP_WARM=20000; EV_N=5000; EV_WARM=1000; EV_ROUNDS=1; STARTUP_RUNS=3; STARTUP_PHASE_RUNS=2; SYS_N=500
    OVERHEAD_CYCLES=2000; OVERHEAD_ROUNDS=3; SYNC_PAIRS=20000; PAIRED_ROUNDS=1; PAIRED_SCALE=10
    JMH_DEFAULT=(-f 1 -wi 1 -w 300ms -i 2 -r 300ms)
else
    # Sized so that the whole run, build included, takes ≤ 20 minutes on the 2-CPU machine of docs/performance.md even
    # when the host runs slow (21.1 min on 2026-12-01 with 7 repetitions, 9 overhead rounds, 10 start-up rounds, JMH
    # 3+5 iterations and paired cycles two thirds longer; the sections' times are in load.txt, at_s)
    SCALE_N=${SCALE_N:-100000}; REPS=5; PP_N=300000; PP_WARM=50000; EV_N=100000; EV_WARM=1000000; EV_ROUNDS=5; STARTUP_RUNS=8; STARTUP_PHASE_RUNS=5; SYS_N=2000
    OVERHEAD_CYCLES=20000; OVERHEAD_ROUNDS=7; PAIRED_ROUNDS=5; PAIRED_SCALE=1
    # event calls take 20-300 ns: rounds of a million pairs (3-5 s in all) let the JIT's code settle before they count
    SYNC_PAIRS=1000000
    JMH_DEFAULT=(-f 1 -wi 2 -w 1s -i 4 -r 1s)
fi
if [ -n "${JMH_ARGS:-}" ]; then read -r -a JMH_OPTS <<< "$JMH_ARGS"; else JMH_OPTS=("${JMH_DEFAULT[@]}"); fi
# The iwin32 parts are nanosecond loads and atomics that settle within a second: half-second iterations keep the run
# within its 20 minutes (JMH_ARGS, when given, applies to them too).
if [ -z "${JMH_ARGS:-}" ] && [ -z "$quick" ]; then FLOOR_OPTS=(-f 1 -wi 2 -w 500ms -i 5 -r 500ms); else FLOOR_OPTS=("${JMH_OPTS[@]}"); fi

# A run of some sections (SHM_BENCH_ONLY) keeps the other sections' results, so the table stays whole.
if [ -z "${SHM_BENCH_ONLY:-}" ]; then rm -rf "$out"; fi
mkdir -p "$out"
[ -n "${SHM_BENCH_ONLY:-}" ] || : > "$out/load.txt"
run_start=$(date +%s)
echo "results -> $out"

want() { [ -z "${SHM_BENCH_ONLY:-}" ] || [[ " $SHM_BENCH_ONLY " == *" $1 "* ]]; }

# ---- quiet-machine wait: CPU busy fraction of the whole machine over 3 s (from /proc/stat); nothing of this run
# runs while it is measured. Logged per section with the 1-minute load average.
QUIET_BUSY=${QUIET_BUSY:-0.25}
QUIET_MAX=${QUIET_MAX:-60}
QUIET_BUDGET=${QUIET_BUDGET:-300}
quiet_spent=0
busy() {
    python3 - <<'PY'
import time
def snap():
    f = open("/proc/stat").readline().split()[1:]
    v = [int(x) for x in f]
    idle = v[3] + v[4]
    return sum(v[:8]), idle
t0, i0 = snap(); time.sleep(3); t1, i1 = snap()
print(f"{1 - (i1 - i0) / max(1, t1 - t0):.2f}")
PY
}
section() {                                   # section NAME: wait for quiet, log how busy the machine was
    local name=$1 waited=0 b limit
    limit=$(( QUIET_BUDGET - quiet_spent )); (( limit > QUIET_MAX )) && limit=$QUIET_MAX; (( limit < 0 )) && limit=0
    while :; do
        b=$(busy)
        python3 -c "import sys; sys.exit(0 if float('$b') < float('$QUIET_BUSY') else 1)" && break
        (( waited >= limit )) && break
        waited=$((waited + 3))
    done
    quiet_spent=$((quiet_spent + waited))
    local flag=quiet
    python3 -c "import sys; sys.exit(0 if float('$b') < float('$QUIET_BUSY') else 1)" || flag=LOADED
    # at_s: seconds since the run began, so that load.txt also tells how long each section took
    echo "LOAD $name busy=$b loadavg=$(cut -d' ' -f1 /proc/loadavg) waited_s=$waited state=$flag" \
        "at_s=$(( $(date +%s) - run_start ))" | tee -a "$out/load.txt"
    echo "== $name"
}
jrun() { "$java25" --enable-native-access=ALL-UNNAMED -cp "$here/target/classes:$here/target/lib/*" "$@"; }

# ---------------------------------------------------------------- machine and build
{
    date -u '+%Y-%m-%d %H:%M UTC'
    uname -srm
    lscpu | grep -E '^(Model name|CPU\(s\)|Thread|Core|Socket|L[123]|Hypervisor|Virtualization type|CPU MHz)' || true
    grep MemTotal /proc/meminfo
    "$java25" -version 2>&1 | sed -n 2p
    gcc --version | head -n 1
    echo "tmpfs /dev/shm: $(df -h /dev/shm | awk 'NR==2 {print $2}')"
    echo "vm.max_map_count: $(cat /proc/sys/vm/max_map_count)"
    echo "mode: ${quick:+quick (short counts, not a result)}${quick:-full}"
} > "$out/env.txt"
cat "$out/env.txt"

if [ -z "${SHM_BENCH_NO_BUILD:-}" ]; then
    echo "== build (mvn -Pbench package, tests skipped)"
    (cd "$top" && mvn -B -ntp -q -Pbench -Dmaven.test.skip=true -pl shm.bench,shm.runtime -am package) \
        > "$out/build.log" 2>&1 || { tail -n 30 "$out/build.log" >&2; die "the build failed; see $out/build.log"; }
fi
[ -f "$top/shm.runtime/target/shm.jar" ] || die "no shm.runtime/target/shm.jar: build first (without SHM_BENCH_NO_BUILD)"
[ -d "$here/target/classes/shm/bench" ] || die "no shm.bench/target/classes: build first (without SHM_BENCH_NO_BUILD)"
bin=$here/target/bin
mkdir -p "$bin"
gcc -O2 -Wall -o "$bin/shmbase" "$ref/shmbase.c" -lrt -lm
gcc -O2 -Wall -o "$bin/eventpp" "$ref/eventpp.c"
gcc -O2 -Wall -o "$bin/cycles" "$ref/cycles.c"
gcc -std=c11 -O2 -Wall -o "$bin/shm_peer" "$top/examples/c/shm_peer.c"
export SHM_BENCH_PEER=$bin/shm_peer
"$jbin/javac" -d "$bin/refclasses" "$ref/ShmBase.java"

# ---------------------------------------------------------------- C references
if want c; then
    section c_life;  "$bin/shmbase" life "$REPS" | grep '^RESULT' | tee "$out/c_life.txt" | grep -v step
    section c_open;  "$bin/shmbase" open "$REPS" | grep '^RESULT' | tee "$out/c_open.txt"
    section c_bw;    "$bin/shmbase" bw "$REPS" | grep '^RESULT' | tee "$out/c_bw.txt"
fi

# ---------------------------------------------------------------- bare Java (FFM, confined and shared arenas)
if want java; then
    section java_life
    "$java25" --enable-native-access=ALL-UNNAMED -cp "$bin/refclasses" ShmBase life "$REPS" | grep '^RESULT' \
        | tee "$out/java_life.txt" | grep -v step
fi

# ---------------------------------------------------------------- platform: JMH, one invocation per class
if want jmh; then
    for b in LifecycleBenchmark OpenBenchmark CopyBenchmark; do
        section "jmh_$b"
        jrun org.openjdk.jmh.Main "${JMH_OPTS[@]}" -rf json -rff "$out/jmh_$b.json" "shm\\.bench\\.$b\\." \
            > "$out/jmh_$b.log" 2>&1 || { tail -n 40 "$out/jmh_$b.log" >&2; die "JMH $b failed; see $out/jmh_$b.log"; }
        grep -E '^(Benchmark|[A-Z][A-Za-z]+Benchmark\.)' "$out/jmh_$b.log" || true
    done
    section jmh_NtxCacheBenchmark             # the NTX mapping cache's hit, in ns per call
    jrun org.openjdk.jmh.Main "${JMH_OPTS[@]}" -rf json -rff "$out/jmh_NtxCacheBenchmark.json" \
        'shm\.bench\.NtxCacheBenchmark\.cacheHit$' > "$out/jmh_NtxCacheBenchmark.log" 2>&1 \
        || { tail -n 40 "$out/jmh_NtxCacheBenchmark.log" >&2; die "JMH NtxCacheBenchmark failed"; }
    grep -E '^(Benchmark|NtxCacheBenchmark\.)' "$out/jmh_NtxCacheBenchmark.log" || true
    section jmh_Iwin32FloorBenchmark          # what an iwin32 signalling call adds, part by part, in ns
    jrun org.openjdk.jmh.Main "${FLOOR_OPTS[@]}" -rf json -rff "$out/jmh_Iwin32FloorBenchmark.json" \
        'shm\.bench\.Iwin32FloorBenchmark\.' > "$out/jmh_Iwin32FloorBenchmark.log" 2>&1 \
        || { tail -n 40 "$out/jmh_Iwin32FloorBenchmark.log" >&2; die "JMH Iwin32FloorBenchmark failed"; }
    grep -E '^(Benchmark|Iwin32FloorBenchmark\.)' "$out/jmh_Iwin32FloorBenchmark.log" || true
fi

# ---------------------------------------------------------------- personality overhead: the paths take turns in one JVM
if want overhead; then
    section overhead
    jrun shm.bench.OverheadCycles "/dev/shm/shm-bench-overhead-$$" "$OVERHEAD_CYCLES" "$OVERHEAD_ROUNDS" \
        | tee "$out/overhead.txt"
    # a signal and a zero-timeout wait through the backend, RTX and iwin32: an event set and tested (iwin32 with 1, 11,
    # 101 handles), a mutex taken and released, a semaphore released and taken. Each path in a loop of its own method,
    # as a program would call them, the paths of one kind taking turns; each kind in a JVM of its own, since the kinds
    # share the backend's compiled code and each would shape the others' profile
    for kind in event mutex semaphore; do
        jrun shm.bench.SyncCallCycles "/dev/shm/shm-bench-sync-$$" "$SYNC_PAIRS" "$OVERHEAD_ROUNDS" "$kind" \
            | tee -a "$out/overhead.txt"
        rm -rf "/dev/shm/shm-bench-sync-$$"
    done
fi

# ---------------------------------------------------------------- control cycles paired with C: they take turns
# The C reference and the platform's cycle run one after the other, PAIRED_ROUNDS times, so that each ratio compares
# two runs a few seconds apart; the table gives the median of the rounds' ratios (this virtual machine's speed drifts
# by a third between sections minutes apart). Platform: shm.bench.ControlCycles after a warm-up long enough for the
# compiled code; C: cycles.c (shmbase's life, life+touch and open cycles, same 4 KiB); for the open of an object
# another process holds also the C peer of examples/c doing that cycle through the store's protocol (`cycles N`).
if want paired; then
    section paired
    : > "$out/paired.txt"
    paired_root=/dev/shm/shm-bench-paired-$$
    for r in $(seq "$PAIRED_ROUNDS"); do
        #    platform mode              C mode  platform cycles  warm-up  C cycles
        # (measured cycles of 1-2.5 s each on this machine; the warm-ups as long as before, for the compiled code)
        for spec in "create-unreserved-confined life    60000 30000 120000" \
                    "create-unreserved-confined-spares life 60000 30000 120000" \
                    "create-confined            touch   60000 30000  60000" \
                    "create-confined-spares     touch   60000 30000  60000" \
                    "open-elsewhere-confined    open   120000 50000 240000" \
                    "open-elsewhere-confined-unkept open 120000 50000 240000" \
                    "open-here-confined         open   120000 50000 240000" \
                    "create-unreserved          life    18000 10000 120000" \
                    "open-elsewhere             open    24000 10000 240000"; do
            read -r mode cmode n warm cn <<< "$spec"
            cline=$("$bin/cycles" "$cmode" $((cn / PAIRED_SCALE)) 4096)
            pline=$(jrun shm.bench.ControlCycles "$mode" "$paired_root" $((n / PAIRED_SCALE)) $((warm / PAIRED_SCALE)))
            proto=
            if [ "$mode" = open-elsewhere-confined-unkept ]; then
                # the same cycle done by the C peer of examples/c: the store's protocol in C (flock, journal, holds),
                # while a second C peer holds the object
                mkfifo "$paired_root.fifo"
                "$bin/shm_peer" "$paired_root-c" held create 4096 hold < "$paired_root.fifo" > /dev/null &
                holder=$!
                exec 3> "$paired_root.fifo"
                for _ in $(seq 100); do [ -e "$paired_root-c/n.held" ] && break; sleep 0.05; done
                proto=" proto_per_s=$("$bin/shm_peer" "$paired_root-c" held cycles $((cn / 2 / PAIRED_SCALE)) \
                    | sed -n 's/^CYCLED .*per_s=\([0-9]*\).*/\1/p')"
                exec 3>&-
                wait "$holder" || true
                rm -rf "$paired_root.fifo" "$paired_root-c"
            fi
            echo "PAIRED round=$r mode=$mode platform_per_s=$(sed 's/.*per_s=\([0-9]*\).*/\1/' <<< "$pline") c=c-$cmode c_per_s=$(sed 's/.*per_s=\([0-9]*\).*/\1/' <<< "$cline")$proto" \
                | tee -a "$out/paired.txt"
            rm -rf "$paired_root"
        done
    done
fi

# ---------------------------------------------------------------- cross-process round trips
if want pingpong; then
    section pingpong
    name=shm-bench-pp-$$
    rm -f /dev/shm/"$name"
    "$bin/shmbase" pong "$name" -1 0 & pong_pid=$!
    "$bin/shmbase" ping "$name" "$PP_N" "$PP_WARM" -1 0 | tee "$out/pp_c.txt"
    wait "$pong_pid" 2>/dev/null || true
    rm -f /dev/shm/"$name"
    pp_root=/dev/shm/shm-bench-pp-root-$$
    jrun shm.bench.SegmentPingPong ping "$pp_root" "$PP_N" "$PP_WARM" | tee "$out/pp_platform.txt"
    rm -rf "$pp_root"
fi
if want events; then
    section events
    # The C pair, its line-for-line bare-Java copy (what the JVM adds) and the platform take turns, EV_ROUNDS times:
    # a round trip between the two CPUs of a virtual machine moves between runs by more than the differences
    # measured, so the table gives the median of the rounds of each.
    : > "$out/ev_c.txt"; : > "$out/ev_java.txt"; : > "$out/ev_platform.txt"
    ev_root=/dev/shm/shm-bench-ev-root-$$
    for _ in $(seq "$EV_ROUNDS"); do
        "$bin/eventpp" "$EV_N" "$EV_WARM" 20000 | tee -a "$out/ev_c.txt"
        jrun shm.bench.BareEventPingPong ping "/dev/shm/shm-bench-ev-bare-$$" "$EV_N" "$EV_WARM" | tee -a "$out/ev_java.txt"
        jrun shm.bench.EventPingPong ping "$ev_root" "$EV_N" "$EV_WARM" | tee -a "$out/ev_platform.txt"
        rm -rf "$ev_root"
    done
    "$bin/eventpp" "$EV_N" 20000 0 | tee -a "$out/ev_c.txt"
fi

# ---------------------------------------------------------------- scale (objects per store, handles per process)
# shm.bench.ScaleBenchmark (lane scale): the mapping cap at the current vm.max_map_count, then a store of SCALE_N
# objects held open with the sysctl raised (root; put back at the end), and the heap per open handle.
if want scale; then
    section scale
    timeout "${SCALE_TIMEOUT:-420}" "$java25" --enable-native-access=ALL-UNNAMED \
        -cp "$here/target/classes:$here/target/lib/*" shm.bench.ScaleBenchmark "$SCALE_N" \
        > "$out/scale.txt" 2>&1 || echo "scale: ended with status $? (timeout ${SCALE_TIMEOUT:-420} s?)" >> "$out/scale.txt"
    grep -E '^(RESULT|cap:|scale)' "$out/scale.txt" || true
fi

# ---------------------------------------------------------------- start-up: shm.jar shm:list against its baselines
if want startup; then
    section startup
    st=$here/target/startup
    rm -rf "$st"; mkdir -p "$st/classes"
    (cd "$st" && unzip -o -q -j "$top/shm.runtime/target/shm.jar" 'jar/org.apache.felix.framework-*.jar' -d .)
    "$jbin/javac" --release 11 -d "$st/classes" -cp "$(ls "$st"/org.apache.felix.framework-*.jar)" \
        "$here/startup/shm/bench/startup/FirstAnswer.java"
    printf 'Bundle-ManifestVersion: 2\nBundle-SymbolicName: shm.bench.startup.probe\nBundle-Version: 1.0.0\nBundle-Activator: shm.bench.startup.FirstAnswer\nImport-Package: org.osgi.framework\n' > "$st/probe.mf"
    "$jbin/jar" cfm "$st/probe.jar" "$st/probe.mf" -C "$st/classes" .
    # The DS probe: the same answer from one immediate Declarative Services component (what SCR's first one costs).
    mkdir -p "$st/ds-classes/OSGI-INF"
    "$jbin/javac" --release 11 -d "$st/ds-classes" -cp "$(ls "$st"/org.apache.felix.framework-*.jar)" \
        "$here/startup/shm/bench/startup/FirstAnswer.java" "$here/startup/shm/bench/startup/DsFirstAnswer.java"
    cp "$here/startup/OSGI-INF/first-answer.xml" "$st/ds-classes/OSGI-INF/"
    printf 'Bundle-ManifestVersion: 2\nBundle-SymbolicName: shm.bench.startup.probe\nBundle-Version: 1.0.0\nService-Component: OSGI-INF/first-answer.xml\nImport-Package: org.osgi.framework\n' > "$st/ds-probe.mf"
    "$jbin/jar" cfm "$st/ds-probe.jar" "$st/ds-probe.mf" -C "$st/ds-classes" .
    python3 "$here/startup.py" variants "$top/shm.runtime/target/shm.jar" "$st/probe.jar" "$st" "$st/ds-probe.jar"
    jopt=(--sun-misc-unsafe-memory-access=allow)
    # The full runtime lists a store of its own (an empty one), so the figure does not depend on this machine's store.
    # The three configurations take turns, start after start (startup.py turns), so that all three are measured over
    # the same minutes: measured one after the other, our bundles' share moved from 316 to 555 ms between two runs.
    export SHM_JAVA_OPTS=
    full_cmd=(-Dshm.provider.mmap.root=/dev/shm/shm-bench-startup-$$ -jar "$top/shm.runtime/target/shm.jar" shm:list)
    {
        python3 "$here/startup.py" turns "$STARTUP_RUNS" \
            bare "$st/home-bare" -- "$java25" "${jopt[@]}" -jar "$st/bare.jar" :: \
            infra "$st/home-infra" -- "$java25" "${jopt[@]}" -jar "$st/infra.jar" :: \
            full "$st/home-full" -- "$java25" "${jopt[@]}" "${full_cmd[@]}"
        # The same three, each with an AOT cache of its own (what `shm --make-aot-cache` makes for the runtime), recorded
        # by one start of the same command and then loaded by every measured start: equal treatment.
        aot=(-Xlog:aot=off -Xlog:cds=off)
        for v in bare infra full; do
            case $v in
                full) cmd=("${full_cmd[@]}") ;;
                *) cmd=(-jar "$st/$v.jar") ;;
            esac
            SHM_HOME="$st/home-$v" "$java25" "${jopt[@]}" -XX:AOTCacheOutput="$st/$v.aot" "${aot[@]}" "${cmd[@]}" \
                > /dev/null 2>&1 || echo "FAILED startup: recording the AOT cache of $v" >&2
        done
        python3 "$here/startup.py" turns "$STARTUP_RUNS" \
            bare-aot "$st/home-bare" -- "$java25" "${jopt[@]}" -XX:AOTCache="$st/bare.aot" "${aot[@]}" -jar "$st/bare.jar" :: \
            infra-aot "$st/home-infra" -- "$java25" "${jopt[@]}" -XX:AOTCache="$st/infra.aot" "${aot[@]}" -jar "$st/infra.jar" :: \
            full-aot "$st/home-full" -- "$java25" "${jopt[@]}" -XX:AOTCache="$st/full.aot" "${aot[@]}" "${full_cmd[@]}"
        # The same three as shm.runtime/bin/shm starts a command line: without the optimizing compiler (C2), no cache;
        # with them the DS probe, whose difference to infra is SCR's first component (a line under the table).
        python3 "$here/startup.py" turns "$STARTUP_RUNS" \
            bare-c1 "$st/home-bare" -- "$java25" "${jopt[@]}" -XX:TieredStopAtLevel=1 -jar "$st/bare.jar" :: \
            infra-c1 "$st/home-infra" -- "$java25" "${jopt[@]}" -XX:TieredStopAtLevel=1 -jar "$st/infra.jar" :: \
            ds-c1 "$st/home-ds" -- "$java25" "${jopt[@]}" -XX:TieredStopAtLevel=1 -jar "$st/ds.jar" :: \
            full-c1 "$st/home-full" -- "$java25" "${jopt[@]}" -XX:TieredStopAtLevel=1 "${full_cmd[@]}"
        # A command line while a runtime runs in its home (`shm.jar --serve`, in a home and a store of its own): the
        # jar's launcher agent hands the command to that runtime and the JVM starts no framework. In turns with bare
        # Felix (labelled felix-c1 here, so that the bare-c1 line above stays the table's) and a JVM that only starts
        # and ends (`java -version`: what any Java command line costs), all without C2 as `bin/shm` starts them.
        served_home="$st/home-served"
        mkdir -p "$served_home"
        rm -f "$served_home/run/shell.sock"
        SHM_HOME="$served_home" "$java25" "${jopt[@]}" -Dshm.provider.mmap.root=/dev/shm/shm-bench-startup-$$-served \
            -jar "$top/shm.runtime/target/shm.jar" --serve > "$out/startup-served.log" 2>&1 < /dev/null &
        served_pid=$!
        for _ in $(seq 1 600); do [ -S "$served_home/run/shell.sock" ] && break; sleep 0.1; done
        if [ -S "$served_home/run/shell.sock" ]; then
            python3 "$here/startup.py" turns "$STARTUP_RUNS" \
                jvm-c1 "$st/home-bare" -- "$java25" -XX:TieredStopAtLevel=1 -version :: \
                felix-c1 "$st/home-bare" -- "$java25" "${jopt[@]}" -XX:TieredStopAtLevel=1 -jar "$st/bare.jar" :: \
                handed-c1 "$served_home" -- "$java25" "${jopt[@]}" -XX:TieredStopAtLevel=1 \
                    -jar "$top/shm.runtime/target/shm.jar" shm:list
        else
            echo "FAILED startup: the served runtime did not listen within 60 s (see startup-served.log)" >&2
        fi
        kill -TERM "$served_pid" 2>/dev/null || true
        wait "$served_pid" 2>/dev/null || true  # a served runtime ends with 143 on SIGTERM
        rm -rf /dev/shm/shm-bench-startup-$$-served
        # Where a start of the full runtime goes, without C2 (its steps' times since the JVM started, from the
        # class-loading log), and when the infrastructure-only framework's probe answers, measured the same way.
        python3 "$here/startup.py" phases full-c1 "$STARTUP_PHASE_RUNS" "$st/home-full" -- \
            "$java25" "${jopt[@]}" -XX:TieredStopAtLevel=1 "${full_cmd[@]}"
        python3 "$here/startup.py" phases infra-c1 "$STARTUP_PHASE_RUNS" "$st/home-infra" -- \
            "$java25" "${jopt[@]}" -XX:TieredStopAtLevel=1 -jar "$st/infra.jar"
    } | tee "$out/startup.txt"
    rm -rf /dev/shm/shm-bench-startup-$$
fi

# ---------------------------------------------------------------- system calls per cycle (strace -c -f, difference of two counts)
if want syscalls; then
    section syscalls
    count() {                                 # count LABEL CMD... : total calls and per-name counts of one traced run
        local label=$1; shift
        strace -f -c -o "$out/strace_$label.txt" "$@" > /dev/null 2>&1 \
            || die "strace of $label failed: $*"
    }
    count c_life_0 "$bin/cycles" life 0 4096
    count c_life_n "$bin/cycles" life "$SYS_N" 4096
    count c_open_0 "$bin/cycles" open 0 4096
    count c_open_n "$bin/cycles" open "$SYS_N" 4096
    : > "$out/cycles.txt"
    for mode in create open-elsewhere open-here create-confined open-elsewhere-confined open-here-confined \
            open-here-shared open-elsewhere-confined-unkept create-unreserved-confined \
            create-unreserved-confined-spares; do
        count "p_${mode}_0" "$java25" --enable-native-access=ALL-UNNAMED -cp "$here/target/classes:$here/target/lib/*" \
            shm.bench.ControlCycles "$mode" "/dev/shm/shm-bench-sys-$$-$mode" 0
        count "p_${mode}_n" "$java25" --enable-native-access=ALL-UNNAMED -cp "$here/target/classes:$here/target/lib/*" \
            shm.bench.ControlCycles "$mode" "/dev/shm/shm-bench-sys-$$-$mode" "$SYS_N"
        # untraced: the rate and the thread's CPU time per cycle (strace slows every call down)
        "$java25" --enable-native-access=ALL-UNNAMED -cp "$here/target/classes:$here/target/lib/*" \
            shm.bench.ControlCycles "$mode" "/dev/shm/shm-bench-sys-$$-$mode" $((SYS_N * 10)) | tee -a "$out/cycles.txt"
    done
    echo "SYS_N=$SYS_N" > "$out/syscalls.txt"
fi

echo "RUN wall_s=$(( $(date +%s) - run_start )) quiet_wait_s=$quiet_spent" | tee -a "$out/load.txt"
python3 "$here/table.py" "$out" | tee "$out/table.md"
