#!/usr/bin/env bash
# Runs the platform's JMH benchmarks side by side with the C reference in shm.bench/reference (same machine, one run)
# and prints ops/s and the ratio platform / C. Usage: shm.bench/run.sh [JMH options, default -f 1 -wi 3 -i 5]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
bench_src=${SHM_BENCH_REFERENCE:-$here/reference}
java25=$(ls -d /usr/lib/jvm/*25*/bin/java 2>/dev/null | head -n 1)
[ -x "$java25" ] || { echo "no JDK 25 under /usr/lib/jvm" >&2; exit 1; }
out=$here/target/results
mkdir -p "$out"

(cd "$top" && mvn -B -ntp -q -Pbench -DskipTests -pl shm.bench -am install)

echo "== C reference: shmbase life / open (shm.bench/reference/shmbase.c)"
gcc -O2 -o "$out/shmbase" "$bench_src/shmbase.c" -lrt -lm
"$out/shmbase" life 5 | grep '^RESULT' | grep -v step | tee "$out/c.txt"
"$out/shmbase" open 5 | grep '^RESULT' | tee -a "$out/c.txt"

echo "== platform: JMH"
jmh_args=("$@")
[ ${#jmh_args[@]} -gt 0 ] || jmh_args=(-f 1 -wi 3 -w 1s -i 5 -r 1s)
"$java25" --enable-native-access=ALL-UNNAMED -cp "$here/target/classes:$here/target/lib/*" org.openjdk.jmh.Main \
  "${jmh_args[@]}" -rf csv -rff "$out/jmh.csv" 'shm.bench.*' | grep -E '^(Benchmark|LifecycleBenchmark)' || true

echo "== cross-process round trip: C reference (spinning, unpinned) and platform events (blocking in the kernel)"
pp_name=shm-bench-pp-$$
rm -f /dev/shm/"$pp_name"
"$out/shmbase" pong "$pp_name" -1 0 & pong_pid=$!
"$out/shmbase" ping "$pp_name" "${PP_N:-200000}" "${PP_WARM:-50000}" -1 0 | tee "$out/pp-c.txt"
wait $pong_pid 2>/dev/null || true
rm -f /dev/shm/"$pp_name"*
pp_root=/dev/shm/shm-bench-pp-root-$$
"$java25" --enable-native-access=ALL-UNNAMED -cp "$here/target/classes:$here/target/lib/*" shm.bench.EventPingPong \
  ping "$pp_root" "${PP_N_EVENTS:-50000}" "${PP_WARM_EVENTS:-10000}" | tee "$out/pp-platform.txt"
rm -rf "$pp_root"

python3 - "$out/c.txt" "$out/jmh.csv" <<'PY'
import csv, re, sys
c = {}
for line in open(sys.argv[1]):
    m = re.match(r"RESULT (\S+)\s+min=\S+\s+median=(\S+)", line)
    if m: c[m.group(1)] = float(m.group(2))
names = {4096: "4KiB", 1048576: "1MiB", 67108864: "64MiB"}
print("\n| platform benchmark | size | reserve | platform ops/s | C reference | C ops/s | ratio |")
print("|---|---|---|---|---|---|---|")
other = []
for row in csv.DictReader(open(sys.argv[2])):
    bench = row["Benchmark"].split(".")[-1]
    if not row.get("Param: size"):
        other.append(row)
        continue
    size = int(row["Param: size"]); reserve = row["Param: reserve"] == "true"
    ref = ("C.life+touch." if reserve else "C.life.") if bench == "createMapClose" else "C.open+map." 
    ref += names[size]
    ops = float(row["Score"]); cops = c.get(ref)
    ratio = f"{ops / cops:.2f}" if cops else "n/a"
    print(f"| {bench} | {names[size]} | {reserve} | {ops:,.0f} | {ref} | {cops:,.0f} | {ratio} |" if cops else f"| {bench} | {names[size]} | {reserve} | {ops:,.0f} | {ref} | n/a | n/a |")
if other:
    print("\n| other benchmark | score | error | unit |")
    print("|---|---|---|---|")
    for row in other:
        print(f"| {row['Benchmark'].split('.', 2)[-1]} | {float(row['Score']):,.1f} | {float(row['Score Error (99.9%)'] or 0):,.1f} | {row['Unit']} |")
PY
