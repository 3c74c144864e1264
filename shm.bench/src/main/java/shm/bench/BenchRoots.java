package shm.bench;

import java.nio.file.Path;

/** Store roots of the benchmarks: one fresh folder per process and purpose under {@code /dev/shm}. */
final class BenchRoots {

    private BenchRoots() {
    }

    /** {@code /dev/shm/shm-bench-<purpose>-<pid>/ns}; the caller removes its parent when done. */
    static Path fresh(String purpose) {
        return Path.of("/dev/shm", "shm-bench-" + purpose + "-" + ProcessHandle.current().pid(), "ns");
    }
}
