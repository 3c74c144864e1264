#!/usr/bin/env python3
"""Writes the benchmark table of one run.sh run (markdown, on standard output) from the files in its results folder.

Ratio = the platform's speed ÷ the reference's speed, so below 1 is slower: for rates (ops/s, GB/s) platform ÷
reference, for times (latencies, start-up) reference ÷ platform. Every reference figure comes from the same run.
A row measured while the machine was busy (see load.txt) carries "(loaded)" and the table says so below.
"""
import glob
import json
import os
import re
import statistics
import sys

out = sys.argv[1]


def read(name):
    path = os.path.join(out, name)
    return open(path).read() if os.path.exists(path) else ""


def results(text):
    """RESULT label min=.. median=.. lines (shmbase.c, ShmBase.java): label -> median."""
    found = {}
    for m in re.finditer(r"^RESULT (\S+)\s+min=\S+\s+median=(\S+)", text, re.M):
        found[m.group(1)] = float(m.group(2))
    return found


def fields(text, prefix):
    """key=value pairs of the first line that starts with prefix."""
    for line in text.splitlines():
        if line.startswith(prefix):
            return {k: v for k, v in re.findall(r"(\S+?)=(\S+)", line)}
    return {}


def all_fields(text, prefix):
    """key=value pairs of every line that starts with prefix, in order."""
    return [{k: v for k, v in re.findall(r"(\S+?)=(\S+)", line)} for line in text.splitlines()
            if line.startswith(prefix)]


def median_fields(rounds, keys=("p50", "p99", "p99.9")):
    """Per key, the median over the rounds that have it (the rounds of a section that alternates with its reference)."""
    found = {}
    for k in keys:
        values = sorted(float(r[k]) for r in rounds if k in r)
        if values:
            found[k] = values[len(values) // 2] if len(values) % 2 else (values[len(values) // 2 - 1]
                                                                         + values[len(values) // 2]) / 2
    return found


load = {}
for line in read("load.txt").splitlines():
    m = re.match(r"LOAD (\S+) busy=(\S+) loadavg=(\S+) waited_s=(\S+) state=(\S+)", line)
    if m:
        load[m.group(1)] = (float(m.group(2)), m.group(3), m.group(5))


def flag(*sections):
    return " (loaded)" if any(load.get(s, (0, 0, "quiet"))[2] == "LOADED" for s in sections) else ""


jmh = {}
for path in glob.glob(os.path.join(out, "jmh_*.json")):
    for row in json.load(open(path)):
        name = row["benchmark"].split(".")[-1]
        params = row.get("params") or {}
        key = (name, params.get("size"), params.get("reserve"))
        raw = [x for fork in row["primaryMetric"]["rawData"] for x in fork]
        jmh[key] = statistics.median(raw)

c = {}
for f in ("c_life.txt", "c_open.txt", "c_bw.txt", "java_life.txt"):
    c.update(results(read(f)))

rows = []


def fmt(x, unit=""):
    if x is None:
        return "—"
    if unit == "GB/s":
        return f"{x:.2f} GB/s"
    if unit == "ns":
        if x >= 1e6:
            return f"{x / 1e6:,.1f} ms"
        return f"{x / 1000:.1f} µs" if x >= 10000 else f"{x:,.0f} ns"
    if unit == "ms":
        return f"{x:,.0f} ms"
    return f"{x:,.0f}/s"


def ratio(p, r, time=False):
    if p is None or r is None or p == 0 or r == 0:
        return None
    return r / p if time else p / r


def rfmt(x):
    return "—" if x is None else f"{x:.3f}" if x < 0.1 else f"{x:.2f}"


def verdict(x, target):
    if x is None or target is None:
        return ""
    return "met" if x >= target else "missed"


def row(figure, platform, reference, ratios, target="", met="", sections=()):
    rows.append((figure + flag(*sections), platform, reference, ratios, target, met))


sizes = [("4096", "4 KiB", "4KiB"), ("1048576", "1 MiB", "1MiB"), ("67108864", "64 MiB", "64MiB")]

# create -> map -> close
for size, label, cname in sizes:
    p = jmh.get(("createMapClose", size, "true"))
    r = c.get(f"C.life+touch.{cname}")
    x = ratio(p, r)
    row(f"create→map→close {label}, space reserved (the default)", fmt(p), f"C `life+touch` {fmt(r)}", rfmt(x),
        "≥ 0.5", verdict(x, 0.5), ("jmh_LifecycleBenchmark", "c_life"))
for size, label, cname in sizes:
    p = jmh.get(("createMapClose", size, "false"))
    r = c.get(f"C.life.{cname}")
    jc = c.get(f"J.life.confined.{cname}")
    js = c.get(f"J.life.shared.{cname}")
    x = ratio(p, r)
    row(f"create→map→close {label}, reserve off", fmt(p),
        f"C `life` {fmt(r)}; bare Java confined arena {fmt(jc)}, shared arena {fmt(js)}",
        f"**{rfmt(x)}**; {rfmt(ratio(p, jc))}; {rfmt(ratio(p, js))}", "≥ 0.5 (vs C)", verdict(x, 0.5),
        ("jmh_LifecycleBenchmark", "c_life", "java_life"))

# open
c_open = c.get("C.open+map.4KiB")
be = jmh.get(("backendHeldElsewhere", None, None))
bh = jmh.get(("backendHeldHere", None, None))
x = ratio(be, c_open)
row("open→map→close 4 KiB of an object another process holds", fmt(be), f"C `open` {fmt(c_open)}", rfmt(x), "≥ 0.5",
    verdict(x, 0.5), ("jmh_OpenBenchmark", "c_open"))
x = ratio(bh, c_open)
row("open→map→close 4 KiB of an object this process holds already", fmt(bh), f"C `open` {fmt(c_open)}", rfmt(x),
    "≥ 2", verdict(x, 2.0), ("jmh_OpenBenchmark", "c_open"))
# the overhead: from OverheadCycles (the three paths taking turns in one JVM) when it ran, else from the JMH forks
overhead = {}
for line in read("overhead.txt").splitlines():
    m = re.match(r"OVERHEAD path=(\S+) held=(\S+) per_s=\S+ overhead_pct=(\S+)", line)
    if m:
        overhead[(m.group(1), m.group(2))] = float(m.group(3))
for case, backend, label, held in (("Elsewhere", be, "held elsewhere", "elsewhere"), ("Here", bh, "held here", "here")):
    rtx = jmh.get((f"rtxHeld{case}", None, None))
    neutral = jmh.get((f"neutralHeld{case}", None, None))
    if ("rtx", held) in overhead and ("neutral", held) in overhead:
        over = [overhead[("rtx", held)], overhead[("neutral", held)]]
        source = "overhead vs the backend call, the paths taking turns in one JVM"
        sections = ("jmh_OpenBenchmark", "c_open", "overhead")
    else:
        over = [None if (p is None or backend is None) else (backend / p - 1) * 100 for p in (rtx, neutral)]
        source = "overhead vs the backend call (JMH forks)"
        sections = ("jmh_OpenBenchmark", "c_open")
    ofmt = " / ".join("—" if o is None else f"{o:+.1f} %" for o in over)
    ok = "" if None in over else ("met" if max(over) <= 10 else "missed")
    row(f"the same through the RTX personality / the neutral service ({label})", f"{fmt(rtx)} / {fmt(neutral)}",
        f"C `open` {fmt(c_open)}; {source}: {ofmt}",
        f"{rfmt(ratio(rtx, c_open))} / {rfmt(ratio(neutral, c_open))}", "overhead ≤ 10 %", ok, sections)
    # INtime's iwin32 calls: no JMH benchmark of their own; the rate and overhead of OverheadCycles' rounds
    iwin32 = re.search(rf"OVERHEAD path=iwin32 held={held} per_s=(\S+) overhead_pct=(\S+)", read("overhead.txt"))
    if iwin32:
        rate, pct = float(iwin32.group(1)), float(iwin32.group(2))
        row(f"the same through an INtime process's iwin32 calls, `RtOpenSharedMemory` + `CloseHandle` ({label})",
            f"{fmt(rate)} (the rounds' median)", f"C `open` {fmt(c_open)}; overhead vs the backend call, the paths "
            f"taking turns in one JVM: {pct:+.1f} %", rfmt(ratio(rate, c_open)), "overhead ≤ 10 %",
            "met" if pct <= 10 else "missed", ("c_open", "overhead"))

# a signal and a zero-timeout wait through the personalities (SyncCallCycles, in the overhead section), per kind
sync = {}
for line in read("overhead.txt").splitlines():
    m = re.match(r"SYNC (?:kind=(\S+) )?path=(\S+) handles=(\d+) ns_per_pair=(\S+) times_backend=(\S+)", line)
    if m:
        sync[(m.group(1) or "event", m.group(2), int(m.group(3)))] = (float(m.group(4)), float(m.group(5)))
# kind: (the pair, the backend's calls, the personalities' calls in order, with {wait} for the zero-timeout wait)
PAIRS = {
    "event": ("an auto-reset event set, then tested", "`set` + `await(ZERO)`", "`RtSetEvent` + {wait}"),
    "mutex": ("a free mutex taken, then released", "`acquire(ZERO)` + `release()`", "{wait} + `RtReleaseMutex`"),
    "semaphore": ("a semaphore released, then taken", "`release(1)` + `acquire(ZERO)`",
                  "`RtReleaseSemaphore` + {wait}"),
}
for kind, (what, backend_calls, calls) in PAIRS.items():
    base = sync.get((kind, "backend", 1))
    if base is None:
        continue
    base_text = f"the backend's {backend_calls} {base[0]:,.0f} ns"
    iwin32 = sorted(k for k in sync if k[0] == kind and k[1] == "iwin32")
    handles = "" if len(iwin32) < 2 else " with " + " / ".join(str(k[2]) for k in iwin32) + " iwin32 handles open"
    for paths, names in (
            ([(kind, "rtx", 1)], "RTX " + calls.format(wait="`RtWaitForSingleObject(h, 0)`")),
            (iwin32, "INtime " + calls.format(wait="`WaitForSingleObject(h, 0)`") + handles)):
        paths = [k for k in paths if k in sync]
        if not paths:
            continue
        over = [(sync[k][1] - 1) * 100 for k in paths]
        row(f"{what}: {names}", " / ".join(f"{sync[k][0]:,.0f} ns" for k in paths),
            base_text + "; overhead vs the backend call (median of the rounds' ratios), each path in a loop of its own,"
            + " the paths of one kind taking turns in one JVM: " + " / ".join(f"{o:+,.0f} %" for o in over),
            "—", "overhead ≤ 10 %", "met" if max(over) <= 10 else "missed", ("overhead",))

# the single-thread fast mode: confined handles (MapOptions.confined), same cycles
# the creates at every size the default rows have (the target holds "at every size")
CONFINED_CREATES = tuple(
    ("createMapCloseConfined", (size, reserve), f"create→map→close {text}, {what}", c.get(f"C.{ref}.{key}"),
     f"C `{ref}`", 0.5)
    for size, text, key in sizes
    for reserve, what, ref in (("false", "reserve off", "life"), ("true", "space reserved", "life+touch")))
for name, params, label, ref, rlabel, target in CONFINED_CREATES + (
        ("backendHeldElsewhereConfined", (None, None), "open→map→close 4 KiB of an object another process holds",
         c_open, "C `open`", 0.5),
        ("backendHeldHereConfined", (None, None), "open→map→close 4 KiB of an object this process holds already",
         c_open, "C `open`", 2.0),
        ("backendHeldHereShared", (None, None), "open→map→close 4 KiB of an object this process holds already, "
         "sharing the held handle's mapping and hold (`MapOptions.shareMapping`)", c_open, "C `open`", 2.0)):
    p = jmh.get((name,) + params)
    x = ratio(p, ref)
    row(f"{label}, confined handle (the single-thread mode)", fmt(p), f"{rlabel} {fmt(ref)}", rfmt(x),
        f"≥ {target:g}", verdict(x, target), ("jmh_LifecycleBenchmark" if "create" in name else "jmh_OpenBenchmark",
                                                "c_life" if "create" in name else "c_open"))

# bulk copy
gb = 64 * 1024 * 1024 / 1e9
cin = jmh.get(("copyIn", None, None))
cout = jmh.get(("copyOut", None, None))
cin, cout = (None if v is None else v * gb for v in (cin, cout))
rshm = c.get("C.bw.memcpy->shm.warm.64MiB")
rmal = c.get("C.bw.memcpy->malloc.warm.64MiB")
row("bulk copy 64 MiB into / out of a handle's segment (pages present)", f"{fmt(cin, 'GB/s')} / {fmt(cout, 'GB/s')}",
    f"C memcpy into shm {fmt(rshm, 'GB/s')}, into private memory {fmt(rmal, 'GB/s')}",
    f"{rfmt(ratio(cin, rshm))} / {rfmt(ratio(cout, rmal))}", "≈ 1", "", ("jmh_CopyBenchmark", "c_bw"))


def pct(d, keys=("p50", "p99", "p99.9")):
    return [float(d[k]) if k in d else None for k in keys]


# cross-process round trips
pp_p = pct(fields(read("pp_platform.txt"), "RESULT platform.segment.pingpong"))
pp_c = pct(fields(read("pp_c.txt"), "PPREP"))
row("cross-process round trip through two handles' segments (spinning), p50 / p99 / p99.9",
    " / ".join(fmt(v, "ns") for v in pp_p), "C pair " + " / ".join(fmt(v, "ns") for v in pp_c),
    " / ".join(rfmt(ratio(a, b, time=True)) for a, b in zip(pp_p, pp_c)), "≈ 1", "", ("pingpong",))
ev_p_rounds = all_fields(read("ev_platform.txt"), "RESULT platform.event.pingpong")
ev_c_rounds = all_fields(read("ev_c.txt"), "RESULT C.event.pingpong.spin20000")
ev_p = pct(median_fields(ev_p_rounds))
ev_c = pct(median_fields(ev_c_rounds))
ev_j_rounds = all_fields(read("ev_java.txt"), "RESULT java.event.pingpong.spin20000")
ev_j = pct(median_fields(ev_j_rounds))
ev_c0 = pct(fields(read("ev_c.txt"), "RESULT C.event.pingpong.spin0"))
x = ratio(ev_p[0], ev_c[0], time=True)
ev_rounds = ""
if len(ev_p_rounds) > 1:
    ev_rounds = "; medians of %d alternating rounds, p50 per round %s (platform) against %s (C)" % (
        len(ev_p_rounds), " / ".join(fmt(float(r["p50"]), "ns") for r in ev_p_rounds if "p50" in r),
        " / ".join(fmt(float(r["p50"]), "ns") for r in ev_c_rounds if "p50" in r))
ev_bare = ""
if ev_j_rounds:
    ev_bare = "; bare Java, the C pair line for line over FFM, " + " / ".join(fmt(v, "ns") for v in ev_j) + \
        " (p50 ratio to bare Java " + rfmt(ratio(ev_p[0], ev_j[0], time=True)) + ")"
row("named-event round trip (blocking), p50 / p99 / p99.9", " / ".join(fmt(v, "ns") for v in ev_p),
    "C futex pair, 20 µs spin " + " / ".join(fmt(v, "ns") for v in ev_c)
    + "; no spin " + " / ".join(fmt(v, "ns") for v in ev_c0) + ev_bare + ev_rounds,
    " / ".join(rfmt(ratio(a, b, time=True)) for a, b in zip(ev_p, ev_c)), "p50 ≥ 0.83 (within 1.2×)",
    verdict(x, 1 / 1.2), ("events",))

ntx = jmh.get(("cacheHit", None, None))
row("NTX `ntxMapRtSharedMemory` of a mapped handle (the mapping cache's hit)",
    "—" if ntx is None else f"{ntx:.1f} ns", "—", "—", "a few ns", "" if ntx is None else ("met" if ntx < 20 else "missed"),
    ("jmh_NtxCacheBenchmark",))

# scale (shm.bench.ScaleBenchmark: RESULT scale <figure> <value> <unit>)
scale = {m.group(1): float(m.group(2)) for m in re.finditer(r"^RESULT scale (\S+) (\S+)", read("scale.txt"), re.M)}
if not scale:
    for figure, target in (("objects per store", "≥ 100,000"),
                           ("handles per process", "clean LIMIT before vm.max_map_count"),
                           ("heap per open handle", "≤ 1 KiB")):
        row(figure, "not measured in this run (see scale.txt)", "—", "—", target, "")
else:
    n = scale.get("store.handles_open", 0) / 2
    row("objects per store (created, each held open, in one process)",
        f"{n:,.0f}; create {scale.get('store.create_rate', 0):,.0f}/s, open of a held one "
        f"{scale.get('store.open_held_rate', 0):,.0f}/s, list {scale.get('store.list_ms.1', scale.get('store.list_ms.0', 0)):,.0f} ms",
        "—", "—", "≥ 100,000", "met" if n >= 100_000 else "missed", ("scale",))
    cap = scale.get("cap.handles")
    row("handles per process at the kernel's vm.max_map_count",
        "—" if cap is None else f"{cap:,.0f}, then a clean `LIMIT` (vm.max_map_count {scale.get('vm.max_map_count', 0):,.0f})",
        "—", "—", "clean LIMIT, never a JVM crash", "" if cap is None else "met", ("scale",))
    heap = [scale.get("store.heap_per_created_handle"), scale.get("store.heap_per_opened_handle")]
    row("heap per open handle (created / opened)", " / ".join("—" if h is None else f"{h:,.0f} B" for h in heap),
        "—", "—", "≤ 1 KiB", "" if None in heap else ("met" if max(heap) <= 1024 else "missed"), ("scale",))

# start-up
st = {k: fields(read("startup.txt"), f"RESULT startup.{k} ")
      for k in ("bare", "infra", "full", "bare-aot", "infra-aot", "full-aot", "bare-c1", "infra-c1", "ds-c1",
                "full-c1", "jvm-c1", "felix-c1", "handed-c1")}


def ms(k, f):
    return float(st[k][f]) if f in st[k] else None


shares = {k: fields(read("startup.txt"), f"SHARE startup.{k} ") for k in ("default", "aot", "c1")}


def share_of(suffix, full, infra):
    """Our bundles' share: the median of the rounds' differences when the configurations took turns (SHARE lines),
    else the difference of the medians."""
    line = shares.get(suffix.lstrip("-") or "default") or {}
    if "ours" in line:
        return float(line["ours"])
    return None if full is None or infra is None else full - infra


full_first, infra_first, bare_first = ms("full", "first"), ms("infra", "first"), ms("bare", "first")
ours = share_of("", full_first, infra_first)
failed = int(st["full"].get("failed", "0"))
failures = "" if not failed else (f"; {failed} of {st['full'].get('runs', '?')} runs exited 1 (see startup.txt: "
                                  "under load the command can give up before the backend is bound)")
row("`java -jar shm.jar shm:list`: to first answer / to exit / CPU user+sys (median)",
    f"{fmt(full_first, 'ms')} / {fmt(ms('full', 'exit'), 'ms')} / {fmt(ms('full', 'cpu'), 'ms')}",
    f"bare Felix {fmt(bare_first, 'ms')} / {fmt(ms('bare', 'exit'), 'ms')} / {fmt(ms('bare', 'cpu'), 'ms')}; "
    f"Felix + infrastructure bundles {fmt(infra_first, 'ms')} / {fmt(ms('infra', 'exit'), 'ms')} / "
    f"{fmt(ms('infra', 'cpu'), 'ms')}",
    "our bundles add " + ("—" if ours is None else f"{ours:,.0f} ms") + failures, "≤ 150 ms added",
    "" if ours is None else ("met" if ours <= 150 else "missed"), ("startup",))


def startup_row(label, suffix):
    """A start-up row of the three configurations measured with the same JVM options (startup.txt's RESULT lines)."""
    first = {k: ms(k + suffix, "first") for k in ("bare", "infra", "full")}
    share = share_of(suffix, first["full"], first["infra"])
    row(label,
        f"{fmt(first['full'], 'ms')} / {fmt(ms('full' + suffix, 'exit'), 'ms')} / "
        f"{fmt(ms('full' + suffix, 'cpu'), 'ms')}",
        f"bare Felix {fmt(first['bare'], 'ms')} / {fmt(ms('bare' + suffix, 'exit'), 'ms')} / "
        f"{fmt(ms('bare' + suffix, 'cpu'), 'ms')}; Felix + infrastructure bundles {fmt(first['infra'], 'ms')} / "
        f"{fmt(ms('infra' + suffix, 'exit'), 'ms')} / {fmt(ms('infra' + suffix, 'cpu'), 'ms')}",
        "our bundles add " + ("—" if share is None else f"{share:,.0f} ms"), "≤ 150 ms added",
        "" if share is None else ("met" if share <= 150 else "missed"), ("startup",))


startup_row("the same, each with an AOT cache of its own (`shm --make-aot-cache`)", "-aot")
startup_row("the same as `bin/shm` starts a command line: without the optimizing compiler (`-XX:TieredStopAtLevel=1`), "
            "all three alike", "-c1")

handed = fields(read("startup.txt"), "HANDED startup.c1 ")
if "vs_bare_felix" in handed:
    # The command line of a home where a runtime runs starts no framework: its first answer against bare Felix's start.
    ahead = -float(handed["vs_bare_felix"])
    row("the same while a runtime runs in the home (`shm.jar --serve`): the command handed to it, no framework "
        "started in the command's JVM, without C2",
        f"{fmt(ms('handed-c1', 'first'), 'ms')} / {fmt(ms('handed-c1', 'exit'), 'ms')} / "
        f"{fmt(ms('handed-c1', 'cpu'), 'ms')}",
        f"bare Felix {fmt(ms('felix-c1', 'first'), 'ms')} / {fmt(ms('felix-c1', 'exit'), 'ms')} / "
        f"{fmt(ms('felix-c1', 'cpu'), 'ms')}; a JVM that only starts and ends (`java -version`) "
        f"{fmt(ms('jvm-c1', 'exit'), 'ms')} / {fmt(ms('jvm-c1', 'cpu'), 'ms')} CPU",
        (f"answers {ahead:,.0f} ms before bare Felix's start does" if ahead >= 0
         else f"answers {-ahead:,.0f} ms after bare Felix's start does"),
        "≤ 150 ms added", "met" if ahead >= -150 else "missed", ("startup",))

# system calls
sys_n = fields(read("syscalls.txt"), "SYS_N").get("SYS_N")


def strace_counts(label):
    text = read(f"strace_{label}.txt")
    counts = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 5 and parts[0][0].isdigit() and not line.startswith("-"):
            name = parts[-1]
            try:
                counts[name] = int(parts[3])
            except ValueError:
                pass
    return counts


def per_cycle(label):
    a, b = strace_counts(label + "_0"), strace_counts(label + "_n")
    if not a or not b or not sys_n:
        return None, {}
    n = int(sys_n)
    diff = {k: (b.get(k, 0) - a.get(k, 0)) / n for k in set(a) | set(b) if k != "total"}
    diff = {k: v for k, v in diff.items() if v >= 0.05}
    return sum(diff.values()), diff


sysrows = []
for figure, plabel, clabel in (("create→map→close 4 KiB", "p_create", "c_life"),
                               ("open→map→close, held by another process", "p_open-elsewhere", "c_open"),
                               ("open→map→close, held by this process", "p_open-here", "c_open"),
                               ("the same, confined handles: create", "p_create-confined", "c_life"),
                               ("confined: create, reserve off", "p_create-unreserved-confined", "c_life"),
                               ("confined: create, reserve off, the file a spare of the close before "
                                "(`spareFiles` 4)", "p_create-unreserved-confined-spares", "c_life"),
                               ("confined: open, held by another process", "p_open-elsewhere-confined", "c_open"),
                               ("confined: open, held by another process, every open mapping the file anew "
                                "(`keptMappings` 0)", "p_open-elsewhere-confined-unkept", "c_open"),
                               ("confined: open, held by this process", "p_open-here-confined", "c_open"),
                               ("confined, sharing the held handle's mapping and hold: open, held by this process",
                                "p_open-here-shared", "c_open")):
    ptot, pdiff = per_cycle(plabel)
    ctot, cdiff = per_cycle(clabel)
    top = ", ".join(f"{k} {v:.1f}" for k, v in sorted(pdiff.items(), key=lambda kv: -kv[1])[:8])
    ctop = ", ".join(f"{k} {v:.1f}" for k, v in sorted(cdiff.items(), key=lambda kv: -kv[1]))
    sysrows.append((figure + flag("syscalls"), "—" if ptot is None else f"{ptot:.1f}",
                    "—" if ctot is None else f"{ctot:.1f}", top or "—", ctop or "—"))

print("| figure | platform | reference (same run) | ratio | target | |")
print("|---|---|---|---|---|---|")
for r in rows:
    print("| " + " | ".join(r) + " |")
print()
floor = {k: jmh.get((k, None, None)) for k in ("backendEventPair", "doorEnterExit", "storeChangeCount",
                                                "sharedWordCheck")}
if None not in floor.values():
    pair = floor["backendEventPair"]
    print("What an iwin32 signalling pair must add to the backend's pair as the INtime personality is built "
          "(`Iwin32FloorBenchmark`, JMH, each part alone): the backend's event pair "
          f"{pair:.1f} ns; the door of the calls without the lock, entered and left, {floor['doorEnterExit']:.1f} ns; "
          f"the store's change count, read by each call to notice a handle another process closed, "
          f"{floor['storeChangeCount']:.1f} ns; the least such a check can cost (an acquire read of one shared word "
          f"and a comparison) {floor['sharedWordCheck']:.1f} ns. Two calls checking the least way already add "
          f"{2 * floor['sharedWordCheck'] / pair * 100:.0f} % to the pair, the parts as built "
          f"{(floor['doorEnterExit'] + 2 * floor['storeChangeCount']) / pair * 100:.0f} % (against ≤ 10 %)"
          + flag("jmh_Iwin32FloorBenchmark") + ".")
    print()
print(f"System calls per cycle (`strace -f -c`, difference of a run with {sys_n or '?'} cycles and one with none, "
      "divided by the cycles):")
print()
print("| cycle | platform | C | platform's calls per cycle | C's calls per cycle |")
print("|---|---|---|---|---|")
for r in sysrows:
    print("| " + " | ".join(r) + " |")
print()
cycles = [fields(line, "CYCLES") for line in read("cycles.txt").splitlines() if line.startswith("CYCLES")]
if cycles:
    print("The same cycles untraced, one plain loop each (`shm.bench.ControlCycles MODE ROOT N`): rate and the calling "
          "thread's CPU time per cycle:")
    print()
    print("| cycle | cycles/s | thread CPU per cycle |")
    print("|---|---|---|")
    for cyc in cycles:
        print(f"| {cyc.get('mode', '?')} | {fmt(float(cyc['per_s']))} | {cyc.get('thread_cpu_us', '—')} µs |")
    print()
# control cycles paired with C (run.sh's paired section): the two take turns, a ratio per round, the rounds' median
PAIRED = (("create-unreserved-confined", "create→map→close 4 KiB, reserve off, confined handle", "C `life`", 0.5),
          ("create-unreserved-confined-spares", "the same, each create taking the file the close before kept as a "
           "spare (`spareFiles` 4)", "C `life`", 0.5),
          ("create-confined", "create→map→close 4 KiB, space reserved, confined handle", "C `life+touch`", 0.5),
          ("create-confined-spares", "the same, each create taking the spare file (`spareFiles` 4)",
           "C `life+touch`", 0.5),
          ("open-elsewhere-confined", "open→map→close 4 KiB of an object another process holds, confined handle",
           "C `open`", 0.5),
          ("open-elsewhere-confined-unkept", "the same, every open mapping the file anew (`keptMappings` 0, as the "
           "first open of an object here)", "C `open`", 0.5),
          ("open-here-confined", "open→map→close 4 KiB of an object this process holds already, confined handle",
           "C `open`", 2.0),
          ("create-unreserved", "create→map→close 4 KiB, reserve off, default handle", "C `life`", 0.5),
          ("open-elsewhere", "open→map→close 4 KiB of an object another process holds, default handle", "C `open`",
           0.5))
paired = [fields(line, "PAIRED") for line in read("paired.txt").splitlines() if line.startswith("PAIRED")]
if paired:
    print("The control cycles again, **paired with C**: the C reference (`cycles`, 4 KiB) and the platform's loop "
          "(`shm.bench.ControlCycles`, after a warm-up long enough for the compiled code) take turns, so each ratio "
          "compares two runs seconds apart; the ratio is the median of the rounds' ratios" + flag("paired") + ":")
    print()
    print("| cycle | platform (median) | C (median) | ratio per round | ratio (median) | target | |")
    print("|---|---|---|---|---|---|---|")
    for mode, label, clabel, target in PAIRED:
        mine = [r for r in paired if r.get("mode") == mode and float(r.get("c_per_s", 0)) > 0]
        if not mine:
            continue
        plat = [float(r["platform_per_s"]) for r in mine]
        cref = [float(r["c_per_s"]) for r in mine]
        ratios = [p / c for p, c in zip(plat, cref)]
        x = statistics.median(ratios)
        shown = f"{x:.3f}" if abs(x - target) < 0.01 else rfmt(x)   # a ratio at its target shows which side it is on
        print(f"| {label} | {fmt(statistics.median(plat))} | {clabel} {fmt(statistics.median(cref))} | "
              f"{' / '.join(rfmt(v) for v in ratios)} | **{shown}** | ≥ {target:g} | {verdict(x, target)} |")
        proto = [(float(r["proto_per_s"]), float(r["platform_per_s"]), float(r["c_per_s"])) for r in mine
                 if float(r.get("proto_per_s") or 0) > 0]
        if proto:
            floor = [q / c for q, _, c in proto]
            print(f"| the same cycle by the C peer of `examples/c` (`shm_peer … cycles N`): the store's protocol in C, "
                  f"the same 11 system calls | {fmt(statistics.median([q for q, _, _ in proto]))} | {clabel} "
                  f"{fmt(statistics.median([c for _, _, c in proto]))} | {' / '.join(rfmt(v) for v in floor)} | "
                  f"**{rfmt(statistics.median(floor))}** (the platform ÷ this: "
                  f"{rfmt(statistics.median([p / q for q, p, _ in proto]))}) | — | |")
    print()
full_phases = all_fields(read("startup.txt"), "PHASE startup.full-c1 ")
infra_probe = [f for f in all_fields(read("startup.txt"), "PHASE startup.infra-c1 ") if f.get("phase") == "probe-answer"]
if full_phases:
    steps = [f"{f['phase']} {int(float(f['at'])):,} ms" for f in sorted(full_phases, key=lambda f: float(f["at"]))]
    print("Where a start of `shm.jar shm:list` goes, without C2 (`startup.py phases`: median time since the JVM started "
          "at which each step's first class loaded, the class-loading log on): " + ", ".join(steps)
          + ("" if not infra_probe else
             f"; the infrastructure-only framework's probe answers at {int(float(infra_probe[0]['at'])):,} ms") + ".")
    print()
ds_floor = fields(read("startup.txt"), "DSFLOOR startup.c1 ")
if "first_component" in ds_floor:
    ds_first = ms("ds-c1", "first")
    print("What one Declarative Services component costs a start, without C2: Felix + infrastructure bundles with a "
          "probe bundle whose one immediate DS component answers, against the same framework whose probe answers from "
          f"its bundle activator, started in turns with the rows above: first answer {fmt(ds_first, 'ms')} against "
          f"{fmt(ms('infra-c1', 'first'), 'ms')}, **+{float(ds_floor['first_component']):,.0f} ms** (median of the "
          "rounds' differences): SCR's machinery for a bundle's first component, which any bundle built with DS "
          "components pays once, out of the target's 150 ms.")
    print()
loaded = [f"{k} (busy {v[0]:.0%}, load average {v[1]})" for k, v in load.items() if v[2] == "LOADED"]
env = read("env.txt")
if "quick" in env:
    print("**Quick run (short counts): for developing the script, not a result.**")
if loaded:
    print("**Measured under load** (the machine was busy when these sections began, after the quiet wait's deadline): "
          + "; ".join(loaded) + ". Rows marked (loaded) are upper bounds of the costs, not the machine's figures.")
else:
    print("Every section began on a quiet machine (less than the threshold of CPU busy over 3 s).")
