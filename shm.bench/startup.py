#!/usr/bin/env python3
"""Start-up of the runtime jar against two baselines built from it (used by run.sh).

  startup.py variants SHM_JAR PROBE_JAR OUTDIR [DS_PROBE_JAR]
      writes OUTDIR/bare.jar (Felix and the launcher only) and OUTDIR/infra.jar (Felix with the infrastructure bundles
      of shm.jar: every embedded bundle that is not shm.*), each with the probe bundle FirstAnswer, which answers once
      the framework has started. Everything else (launcher, launcher agent, properties, start levels) is shm.jar's,
      but for the launch properties of our bundles (shm.shell.entrypoint*, and shm.launch.*: the launcher agent's
      warm-up of the FFM linker for the mmap provider), which go with them. With DS_PROBE_JAR also OUTDIR/ds.jar: the
      infrastructure bundles with that probe instead (DsFirstAnswer: the same answer from one immediate Declarative
      Services component), whose start less infra.jar's is what SCR's first component of a bundle costs.
  startup.py measure LABEL RUNS HOME -- COMMAND...
      runs COMMAND once to warm the framework storage and the page cache, then RUNS times with SHM_HOME=HOME, and
      prints the medians: wall time to the first line on standard output ("first answer"), wall time to exit, and
      the child's user+sys CPU time (from wait4).
  startup.py turns RUNS LABEL HOME -- COMMAND... [:: LABEL HOME -- COMMAND...]...
      the same for several configurations that take turns: each runs once to warm up, then round after round each
      configuration starts once, RUNS rounds, so that all are measured over the same minutes of a machine whose speed
      drifts; one RESULT line per configuration as `measure` prints it, then for a "full" and an "infra" configuration
      (labels full[-SUFFIX] and infra[-SUFFIX]) a line SHARE startup.SUFFIX ours=MS (SUFFIX "default" for none): the
      median over the rounds of full's first answer minus infra's (our bundles' share); likewise for a "ds[-SUFFIX]"
      configuration (ds.jar) a line DSFLOOR startup.SUFFIX first_component=MS.
  startup.py phases LABEL RUNS HOME -- JAVA [JVM OPTIONS] -jar JAR ARGUMENTS...
      where a start of the full runtime goes: runs the command once to warm up, then RUNS times with the JVM's
      class-loading log (-Xlog:class+load with uptime, inserted after JAVA) and prints, per step, the median time since
      the JVM started at which the step's first class loaded (one line PHASE startup.LABEL phase=STEP at=MS each, in
      order): Felix, SCR, the linker warm-up's stub, shm.shell's components at start level 1, the launcher's main
      callable, the raise to level 2, the neutral service, the mmap backend's component, its table read, every
      component settled, the command's result; for a baseline jar (startup.py variants), when its probe answers.
"""
import base64
import hashlib
import os
import re
import statistics
import subprocess
import sys
import time
import zipfile


def variants(shm_jar, probe_jar, outdir, ds_probe_jar=None):
    os.makedirs(outdir, exist_ok=True)
    infra = lambda b: not os.path.basename(b).startswith("shm.")
    configurations = [("bare", lambda b: False, probe_jar), ("infra", infra, probe_jar)]
    if ds_probe_jar:
        configurations.append(("ds", infra, ds_probe_jar))
    with zipfile.ZipFile(shm_jar) as src:
        props = src.read("launcher.properties").decode("latin-1")
        bundles = re.search(r"^launch\.bundles=(.*)$", props, re.M).group(1).split(",")
        attrs = re.search(r"^launch\.runbundles\.attrs=(.*)$", props, re.M).group(1)
        attr_list = re.split(r",(?=[A-Za-z])", attrs)
        for name, keep, probe in configurations:
            kept = [b for b in bundles if keep(b)] + ["jar/shm.bench.startup.probe.jar"]
            kept_attrs = [a for a in attr_list if keep("jar/" + a.split(";")[0])]
            kept_attrs.append('shm.bench.startup.probe;version\\="1.0.0";startlevel\\=1')
            p = re.sub(r"^launch\.bundles=.*$", lambda m: "launch.bundles=" + ",".join(kept), props, flags=re.M)
            p = re.sub(r"^launch\.runbundles\.attrs=.*$", lambda m: "launch.runbundles.attrs=" + ",".join(kept_attrs),
                       p, flags=re.M)
            # our bundles' launch properties go with them: the shell's entry point, the linker warm-up for the provider
            p = re.sub(r"^shm\.(shell\.entrypoint|launch\.).*\n", "", p, flags=re.M)
            target = os.path.join(outdir, name + ".jar")
            with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
                for item in src.infolist():
                    if item.filename == "META-INF/MANIFEST.MF":
                        # the probe gets a digest as the embedded bundles have, so the launcher does not update it
                        digest = base64.b64encode(hashlib.sha256(open(probe, "rb").read()).digest()).decode()
                        manifest = src.read(item.filename).decode("utf-8").rstrip("\r\n") + "\r\n\r\n"
                        manifest += f"Name: jar/shm.bench.startup.probe.jar\r\nSHA-256-Digest: {digest}\r\n\r\n"
                        out.writestr(item.filename, manifest.encode("utf-8"))
                    elif item.filename == "launcher.properties":
                        out.writestr(item.filename, p.encode("latin-1"))
                    elif item.filename.startswith("jar/") and item.filename.endswith(".jar") \
                            and item.filename not in kept and "launcher" not in item.filename \
                            and "org.apache.felix.framework" not in item.filename:
                        continue
                    else:
                        out.writestr(item.filename, src.read(item.filename))
                out.write(probe, "jar/shm.bench.startup.probe.jar")
            print(f"{target}: {len(kept) - 1} bundles + the probe")


def once(cmd, home):
    env = dict(os.environ, SHM_HOME=home)
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    first = proc.stdout.readline()
    t_first = time.monotonic() - start
    rest = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    t_exit = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        print(f"FAILED startup: {' '.join(cmd)} exited {proc.returncode}: {err.decode(errors='replace')[-300:].strip()}", flush=True)
    if not first:
        t_first = t_exit
    return t_first, t_exit, usage.ru_utime + usage.ru_stime, proc.returncode


def measure(label, runs, home, cmd):
    """One configuration alone: turns of one."""
    turns(runs, [(label, home, cmd)])


def report(label, runs, results):
    failed = sum(1 for r in results if r[3] != 0)
    med = lambda i: statistics.median(r[i] for r in results) * 1000
    print(f"RESULT startup.{label} first={med(0):.0f} exit={med(1):.0f} cpu={med(2):.0f} unit=ms runs={runs} "
          f"failed={failed} all_first=" + ",".join(f"{r[0] * 1000:.0f}" for r in results), flush=True)


def turns(runs, specs):
    """specs: (label, home, cmd) that take turns, RUNS rounds after one warm-up start each."""
    for label, home, cmd in specs:
        os.makedirs(home, exist_ok=True)
        once(cmd, home)
    results = {label: [] for label, _, _ in specs}
    for _ in range(runs):
        for label, home, cmd in specs:
            results[label].append(once(cmd, home))
    for label, _, _ in specs:
        report(label, runs, results[label])
    # Each line: the median over the rounds of (first answer of PREFIX-SUFFIX - first answer of BASE-SUFFIX).
    for prefix, base, line, key in (("full", "infra", "SHARE", "ours"), ("ds", "infra", "DSFLOOR", "first_component"),
                                    ("handed", "felix", "HANDED", "vs_bare_felix")):
        for label in [label for label, _, _ in specs if label == prefix or label.startswith(prefix + "-")]:
            suffix = label[len(prefix):]
            infra = results.get(base + suffix)
            if infra:
                shares = [(f[0] - i[0]) * 1000 for f, i in zip(results[label], infra)]
                print(f"{line} startup.{suffix.lstrip('-') or 'default'} {key}={statistics.median(shares):.0f} unit=ms "
                      f"rounds={runs} all=" + ",".join(f"{v:.0f}" for v in shares), flush=True)


# The steps of a start, each marked by the first class of it that loads (names as -Xlog:class+load prints them).
PHASES = [
    ("felix", "org.apache.felix.framework.Felix"),
    ("scr", "org.apache.felix.scr.impl.Activator"),
    ("ffm-stub", "jdk.internal.foreign.abi.DowncallStub/"),
    ("shell-level-1", "shm.shell.runtime.DeployedUpgrade"),
    ("main-callable", "aQute.launcher.agent.LauncherAgent"),
    ("raise-to-2", "shm.shell.StartLevels"),
    ("neutral-service", "shm.core.NeutralServiceComponent"),
    ("mmap-component", "shm.provider.mmap.MmapBackendComponent"),
    ("table-read", "shm.provider.mmap.TableHeaderCheck"),
    ("settled", "shm.shell.ComponentsSettled"),
    ("result", "shm.shell.DeadProcessReport"),
    ("probe-answer", "shm.bench.startup.FirstAnswer"),  # the baselines' probe: their framework has started
]


def phase_times(log_path):
    """The uptime in ms at which each phase's marker class first loaded; absent markers are left out."""
    found = {}
    with open(log_path, errors="replace") as log:
        for line in log:
            m = re.match(r"\[([\d.]+)s\]\S* (\S+)", line)
            if not m:
                continue
            name = m.group(2)
            for phase, marker in PHASES:
                if phase not in found and (name == marker or (marker.endswith("/") and name.startswith(marker))):
                    found[phase] = float(m.group(1)) * 1000
    return found


def phases(label, runs, home, cmd):
    """One warm-up start, then RUNS starts with the class-loading log; the median time of each phase."""
    os.makedirs(home, exist_ok=True)
    once(cmd, home)
    samples = {phase: [] for phase, _ in PHASES}
    for i in range(runs):
        log = os.path.join(home, f"class-load-{i}.log")
        once([cmd[0], f"-Xlog:class+load:file={log}:uptime"] + cmd[1:], home)
        for phase, ms in phase_times(log).items():
            samples[phase].append(ms)
        os.remove(log)
    for phase, _ in PHASES:
        if samples[phase]:
            print(f"PHASE startup.{label} phase={phase} at={statistics.median(samples[phase]):.0f} unit=ms "
                  f"runs={len(samples[phase])} "
                  "all=" + ",".join(f"{v:.0f}" for v in samples[phase]), flush=True)


def parse_specs(args):
    """LABEL HOME -- COMMAND... groups separated by '::'."""
    specs, group = [], []
    for a in args + ["::"]:
        if a == "::":
            sep = group.index("--")
            specs.append((group[0], group[1], group[sep + 1:]))
            group = []
        else:
            group.append(a)
    return specs


if __name__ == "__main__":
    if sys.argv[1] == "variants":
        variants(*sys.argv[2:6])
    elif sys.argv[1] == "measure":
        sep = sys.argv.index("--")
        measure(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[sep + 1:])
    elif sys.argv[1] == "turns":
        turns(int(sys.argv[2]), parse_specs(sys.argv[3:]))
    elif sys.argv[1] == "phases":
        sep = sys.argv.index("--")
        phases(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[sep + 1:])
    else:
        sys.exit(__doc__)
