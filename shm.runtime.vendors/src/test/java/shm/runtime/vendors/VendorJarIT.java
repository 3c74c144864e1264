package shm.runtime.vendors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import shm.testkit.OldJava;
import shm.testkit.TestDoubleStore;

/**
 * Boots each vendor deployment jar as an operator would ({@code java -D<library>=... -jar shm-<vendor>.jar ...}),
 * with the vendor library's <b>test double</b> configured as its vendor library, and asks the running framework
 * which backend it binds: the highest-ranked {@code ShmBackend}, which is what the neutral service and the
 * personalities bind. Without the library the same jar runs on the mmap backend and says why in one log record.
 */
class VendorJarIT {

    /** What the jar prints: the bound backend's type, after the shell's own command. */
    private static final String BOUND_BACKEND =
            "shm:list; ($.context getServiceReference shm.api.spi.ShmBackend) getProperty shm.backend.type";

    /**
     * Gets each personality's service once (a personality is a delayed component: it binds its backend when first
     * used), then lists the backends and what each component is bound to.
     */
    private static final String PERSONALITY_BINDINGS = "$.context getService ($.context getServiceReference"
            + " shm.api.rtx.RtxSharedMemory); $.context getService ($.context getServiceReference"
            + " shm.api.ntx.NtxSharedMemory); $.context getService ($.context getServiceReference"
            + " shm.api.intime.Iwin32SharedMemory); shm:backends";

    @TempDir
    Path temporary;

    private record Run(int exitCode, List<String> output, List<String> errors) {
    }

    private Run run(String jar, Map<String, String> environment, List<String> properties, String script)
            throws IOException, InterruptedException {
        Path dir = Path.of(System.getProperty("shm.runtime.vendors.dir"));
        List<String> command = new ArrayList<>(List.of(java().toString(),
                "-Dshm.provider.mmap.root=" + temporary.resolve("mmap")));
        command.addAll(properties);
        command.addAll(List.of("-jar", dir.resolve(jar).toString(), "-c", script));
        Path out = temporary.resolve("out.txt");
        Path err = temporary.resolve("err.txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("SHM_HOME", home().toString());
        builder.environment().putAll(environment);
        Process process = builder.start();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "the jar did not end within 120 s");
        List<String> errors = Files.readAllLines(err, StandardCharsets.UTF_8).stream()
                .filter(l -> !(l.startsWith("WARNING: ") && (l.contains("sun.misc.Unsafe")
                        || l.contains("SecureAction"))))
                .toList();
        return new Run(process.exitValue(), Files.readAllLines(out, StandardCharsets.UTF_8), errors);
    }

    /** The platform home of the jar under test, under the test's temporary folder. */
    private Path home() {
        return temporary.resolve("home");
    }

    private static Path java() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /**
     * Every command line runs after the framework started every shm bundle (issue 11: it used to run as soon as the
     * neutral service's commands appeared, which is before a vendor backend of the same start level registered, so
     * the object went to the mmap store although the vendor backend is ranked above it).
     */
    @Test
    void theRtxJarBindsTheRtxBackendOverTheConfiguredLibrary() throws Exception {
        Path library = TestDoubleStore.libraryFromProperty("shm.testdouble.rtapi");
        Path store = temporary.resolve("rtx-store");
        Run run = run("shm-rtx.jar", Map.of("SHM_TESTDOUBLE_ROOT", store.toString()),
                List.of("-Dshm.provider.rtx.library=" + library, "-Dshm.provider.rtx.systemLibrary=" + library),
                "shm:create demo 4k; shm:close demo; " + BOUND_BACKEND);
        assertEquals(0, run.exitCode(), String.join("\n", run.errors()));
        assertEquals(List.of("created 'demo' (4096 bytes); this shell holds 1 handle of it",
                "closed 1 handle of 'demo'", "no objects", "rtx"), run.output());
        assertEquals(List.of(), run.errors());
        assertTrue(Files.exists(store.resolve("table")), "the object went through the double, not the mmap store");
    }

    @Test
    void theIntimeJarBindsTheIntimeBackendOverTheConfiguredLibraries() throws Exception {
        Path library = TestDoubleStore.libraryFromProperty("shm.testdouble.intime");
        Path store = temporary.resolve("intime-store");
        Run run = run("shm-intime.jar", Map.of("SHM_TESTDOUBLE_ROOT", store.toString()),
                List.of("-Dshm.provider.intime.library=" + library, "-Dshm.provider.intime.ntxLibrary=" + library,
                        "-Dshm.provider.intime.systemLibrary=" + library),
                "shm:create demo 4k; shm:close demo; " + BOUND_BACKEND);
        assertEquals(0, run.exitCode(), String.join("\n", run.errors()));
        assertEquals("intime", run.output().getLast(), String.join("\n", run.output()));
        assertEquals(List.of(), run.errors());
        assertTrue(Files.exists(store.resolve("table")), "the object went through the double, not the mmap store");
    }

    @Test
    void withoutItsLibraryAVendorJarRunsOnMmapAndSaysWhyOnce() throws Exception {
        Path absent = temporary.resolve("RtApi.dll");
        Run run = run("shm-rtx.jar", Map.of(), List.of("-Dshm.provider.rtx.library=" + absent), BOUND_BACKEND);
        assertEquals(0, run.exitCode(), String.join("\n", run.errors()));
        assertEquals(List.of("no objects", "mmap"), run.output());
        List<String> said = run.errors().stream().filter(l -> l.contains("shm.provider.rtx")
                && l.contains("no backend registered")).toList();
        assertEquals(1, said.size(), String.join("\n", run.errors()));
        assertTrue(said.getFirst().contains("library '" + absent + "' cannot be loaded"), said.getFirst());
        assertTrue(run.errors().stream().noneMatch(l -> l.startsWith("\tat ")), "no stack trace: "
                + run.errors().stream().collect(Collectors.joining("\n")));
    }

    /** Each vendor jar has shm.jar's platform home (shm.runtime/home.bnd): etc/ with the examples, deploy/, storage. */
    @ParameterizedTest
    @ValueSource(strings = {"shm-rtx.jar", "shm-intime.jar"})
    void aVendorJarRunsInThePlatformHome(String jar) throws Exception {
        Run run = run(jar, Map.of(), List.of(), "shm:status");
        assertEquals(0, run.exitCode(), String.join("\n", run.errors()));
        Path etc = home().resolve("etc");
        for (String example : List.of("shm.provider.mmap.cfg", "shm.personality.rtx-rtss.cfg",
                "shm.personality.intime-process.cfg", "shm.personality.ntx-host.cfg", "shm.log.cfg",
                "org.osgi.service.log.admin.cfg")) {
            assertTrue(Files.isRegularFile(etc.resolve(example)), example + " in " + etc);
        }
        assertTrue(Files.isDirectory(home().resolve("deploy")), "deploy/ watched by FileInstall");
        assertTrue(Files.isDirectory(home().resolve("data/framework/bundle0")), "framework storage under the home");
        assertTrue(run.output().contains("home        " + home()), String.join("\n", run.output()));
    }

    /** The launcher agent refuses an old Java in one line, before the framework starts. */
    @ParameterizedTest
    @ValueSource(strings = {"shm-rtx.jar", "shm-intime.jar"})
    void aVendorJarRefusesAnOldJavaInOneLineAtOnce(String jar) throws Exception {
        OldJava.assertRefusedInOneLine(Path.of(System.getProperty("shm.runtime.vendors.dir")).resolve(jar), home());
    }

    /**
     * Which backend type each component that binds a backend is bound to, read from {@code shm:backends}: the
     * backends' lines ("service N type T ...") and the bindings' lines ("component #id (bundle) -> service N").
     */
    private static Map<String, String> boundTypes(List<String> backendsOutput) {
        Map<String, String> typeOfService = new java.util.HashMap<>();
        Map<String, String> bound = new java.util.TreeMap<>();
        java.util.regex.Pattern backend = java.util.regex.Pattern.compile("  service (\\d+) type (\\S+) .*");
        java.util.regex.Pattern binding = java.util.regex.Pattern.compile("  (\\S+) #\\d+ \\(\\S+\\) -> (.*)");
        for (String line : backendsOutput) {
            java.util.regex.Matcher m = backend.matcher(line);
            if (m.matches()) {
                typeOfService.put(m.group(1), m.group(2));
            }
        }
        for (String line : backendsOutput) {
            java.util.regex.Matcher m = binding.matcher(line);
            if (m.matches()) {
                String target = m.group(2);
                bound.put(m.group(1), target.startsWith("service ")
                        ? typeOfService.getOrDefault(target.substring("service ".length()), target) : target);
            }
        }
        return bound;
    }

    /**
     * In the INtime jar, each personality binds a backend that has what it needs (their default targets): NTX the
     * intime backend (a GDT it reads through RT-handle import, the root directory); the INtime personality, which needs
     * pools, descriptor tables and a directory that a Windows process cannot have over INtime's library, the mmap
     * backend on this Linux box (on a Windows box, where no mmap backend runs, it stays inactive); RTX the intime
     * backend's iwin32x objects, ranked first.
     */
    @Test
    void theIntimeJarBindsEachPersonalityToABackendWithTheCapabilitiesItNeeds() throws Exception {
        Path library = TestDoubleStore.libraryFromProperty("shm.testdouble.intime");
        Run run = run("shm-intime.jar", Map.of("SHM_TESTDOUBLE_ROOT", temporary.resolve("intime-store").toString()),
                List.of("-Dshm.provider.intime.library=" + library, "-Dshm.provider.intime.ntxLibrary=" + library,
                        "-Dshm.provider.intime.systemLibrary=" + library), PERSONALITY_BINDINGS);
        assertEquals(0, run.exitCode(), String.join("\n", run.errors()));
        Map<String, String> bound = boundTypes(run.output());
        assertEquals("intime", bound.get("shm.personality.ntx.NtxPersonalityComponent"), String.join("\n", run.output()));
        assertEquals("mmap", bound.get("shm.personality.intime.IntimePersonalityComponent"),
                String.join("\n", run.output()));
        assertEquals("intime", bound.get("shm.personality.rtx.RtxPersonalityComponent"), String.join("\n", run.output()));
    }

    /** In the RTX jar: RTX binds the rtx backend; NTX and INtime, which need a GDT and a directory, do not. */
    @Test
    void theRtxJarBindsOnlyTheRtxPersonalityToTheRtxBackend() throws Exception {
        Path library = TestDoubleStore.libraryFromProperty("shm.testdouble.rtapi");
        Run run = run("shm-rtx.jar", Map.of("SHM_TESTDOUBLE_ROOT", temporary.resolve("rtx-store").toString()),
                List.of("-Dshm.provider.rtx.library=" + library, "-Dshm.provider.rtx.systemLibrary=" + library),
                PERSONALITY_BINDINGS);
        assertEquals(0, run.exitCode(), String.join("\n", run.errors()));
        Map<String, String> bound = boundTypes(run.output());
        assertEquals("rtx", bound.get("shm.personality.rtx.RtxPersonalityComponent"), String.join("\n", run.output()));
        assertEquals("mmap", bound.get("shm.personality.ntx.NtxPersonalityComponent"), String.join("\n", run.output()));
        assertEquals("mmap", bound.get("shm.personality.intime.IntimePersonalityComponent"),
                String.join("\n", run.output()));
    }
}
