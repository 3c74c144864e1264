package shm.provider.mmap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;

import shm.testkit.TmpfsDirectory;

/**
 * Several processes race create-or-open and close on a few shared names for a bounded time ({@code
 * shm.stress.seconds}, default 15): no lost object, no leaked file, no corrupted table.
 */
class StressTest {

    private static final int PROCESSES = 3;
    private static final long SECONDS = Long.getLong("shm.stress.seconds", 15);

    @Test
    void racingCreateAndCloseLoopsFromSeveralProcessesLeaveAConsistentEmptyStore() throws Exception {
        try (TmpfsDirectory tmpfs = new TmpfsDirectory();
             MmapBackend observer = new MmapBackend(MmapSettings.under(tmpfs.path().resolve("ns")));
             ExecutorService drivers = Executors.newFixedThreadPool(PROCESSES)) {
            Path root = observer.settings().root();
            List<ChildJvm> children = new ArrayList<>();
            try {
                for (int i = 0; i < PROCESSES; i++) {
                    children.add(ChildJvm.start(root));
                }
                long started = System.nanoTime();
                List<Future<String>> results = new ArrayList<>();
                for (ChildJvm child : children) {
                    results.add(drivers.submit(() -> child.send("stress " + SECONDS * 1000 + " a b c d e f")));
                }
                long operations = 0;
                for (Future<String> result : results) {
                    String answer = result.get();
                    assertTrue(answer.startsWith("OK "), answer);
                    operations += Long.parseLong(answer.substring(3));
                }
                double seconds = (System.nanoTime() - started) / 1e9;
                System.out.printf("stress: %d processes, %.1f s, %d create/close operations (%.0f/s)%n", PROCESSES,
                        seconds, operations, operations / seconds);
                assertEquals(List.of(), TableInvariants.violations(observer));
                assertEquals(List.of(), observer.list(), "every child closed what it opened");
                assertEquals(List.of(), TmpfsDirectory.objectFiles(root));
                for (ChildJvm child : children) {
                    child.exit();
                }
                assertEquals(List.of(ProcessHandle.current().pid()), observer.participants());
            } finally {
                children.forEach(ChildJvm::close);
            }
        }
    }
}
