package shm.runtime.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import shm.testkit.LineProcess;
import shm.testkit.TmpfsDirectory;

/**
 * The launcher's linker warm-up ({@link LinkerWarmUp}) links the very shapes the mmap provider links: after it, the
 * provider's system calls, table creation and reserved object generate no call stub of their own. Checked in a child
 * JVM whose class-loading log shows every stub the FFM API generates ({@code jdk.internal.foreign.abi.DowncallStub}),
 * against a child that skips the warm-up (where the provider's stubs appear), so that a provider shape the warm-up
 * no longer matches fails here.
 */
class LinkerWarmUpIT {

    private static final String STUB = "jdk.internal.foreign.abi.DowncallStub";

    @RegisterExtension
    final TmpfsDirectory warmRoot = new TmpfsDirectory("shm-warm-up");
    @RegisterExtension
    final TmpfsDirectory coldRoot = new TmpfsDirectory("shm-cold");

    @TempDir
    Path logs;

    @Test
    void afterTheWarmUpTheProviderGeneratesNoStubOfItsOwn() throws IOException {
        List<String> warm = classLoading("warm", warmRoot.path());
        int mark = providerPhase(warm);
        assertTrue(stubsIn(warm.subList(0, mark)) >= 2, "the warm-up generated the syscall and posix_fallocate stubs");
        assertEquals(0, stubsIn(warm.subList(mark, warm.size())),
                "stubs generated after the warm-up, by the provider: its shapes differ from LinkerWarmUp's");
    }

    @Test
    void withoutTheWarmUpTheProviderGeneratesItsStubs() throws IOException {
        List<String> cold = classLoading("cold", coldRoot.path());
        int mark = providerPhase(cold);
        assertEquals(0, stubsIn(cold.subList(0, mark)));
        assertTrue(stubsIn(cold.subList(mark, cold.size())) >= 2, "the check above would see the provider's stubs");
    }

    @Test
    void theSystemPropertyDecidesBeforeTheLaunchProperty() {
        assertTrue(RuntimeHome.warmUpWanted(null, "true"));
        assertTrue(RuntimeHome.warmUpWanted(" ", "true"));
        assertFalse(RuntimeHome.warmUpWanted("false", "true"));
        assertTrue(RuntimeHome.warmUpWanted("true", null));
        assertFalse(RuntimeHome.warmUpWanted(null, null));
        assertFalse(RuntimeHome.warmUpWanted(null, "yes"));
    }

    @Test
    void getpidIsCalledOnlyWhereItsNumberIsKnown() {
        assertEquals(39, LinkerWarmUp.getpidNumber("amd64"));
        assertEquals(172, LinkerWarmUp.getpidNumber("aarch64"));
        assertEquals(-1, LinkerWarmUp.getpidNumber("riscv64"));
    }

    /** Runs {@link WarmUpThenProvider} and answers its class-loading log, line by line. */
    private List<String> classLoading(String mode, Path root) throws IOException {
        Path log = logs.resolve(mode + ".log");
        try (LineProcess child = LineProcess.startJvm(WarmUpThenProvider.class, "",
                List.of("-Xlog:class+load=info:file=" + log), root.toString(), mode)) {
            assertEquals("done", child.nextLine());
            assertEquals(0, child.waitFor());
        }
        return Files.readAllLines(log);
    }

    private static int providerPhase(List<String> log) {
        for (int i = 0; i < log.size(); i++) {
            if (log.get(i).contains(WarmUpThenProvider.ProviderPhase.class.getName() + " ")) {
                return i;
            }
        }
        throw new AssertionError("no line for " + WarmUpThenProvider.ProviderPhase.class.getName());
    }

    private static long stubsIn(List<String> lines) {
        return lines.stream().filter(line -> line.contains(STUB)).count();
    }
}
