package shm.bench;

import java.nio.file.Path;

import shm.provider.mmap.MmapBackend;
import shm.provider.mmap.MmapSettings;

/**
 * What {@code shm:list} asks of the mmap backend, alone in a fresh JVM: open the store at {@code ROOT}, list it, close
 * the backend; prints the wall time of those three steps in milliseconds. Run under {@code /usr/bin/time} for the
 * process's CPU, which is where the linking of the C functions shows (see {@code docs/performance.md}, start-up).
 *
 * <pre>
 *   java --enable-native-access=ALL-UNNAMED -cp ... shm.bench.BackendStart ROOT
 * </pre>
 */
public final class BackendStart {

    private BackendStart() {
    }

    /** {@code ROOT}. */
    public static void main(String[] args) {
        long start = System.nanoTime();
        try (MmapBackend backend = new MmapBackend(MmapSettings.under(Path.of(args[0])))) {
            backend.list();
        }
        System.out.printf("open+list+close %.1f ms%n", (System.nanoTime() - start) / 1e6);
    }
}
