package shm.bench;

import java.nio.file.Path;

import shm.api.MapOptions;
import shm.api.ObjectType;
import shm.api.spi.BackendHandle;
import shm.provider.mmap.MmapBackend;
import shm.provider.mmap.MmapSettings;
import shm.testkit.Trees;

/**
 * A fixed number of control-path cycles of the mmap backend, for counting system calls with {@code strace -c -f}:
 * {@code run.sh} runs it twice with different counts and divides the difference by the difference of the counts, so
 * the JVM's own start and end cancel out. Modes: {@code create} (create→map→close of a 4 KiB object, space reserved),
 * {@code open-elsewhere} (open→map→close of an object the C peer holds, see {@link CPeerHolder}), {@code open-here}
 * (the same for an object another handle of this process holds). {@value #WARM} warm-up cycles run first in both
 * runs, so the difference holds the steady state's cycles only.
 *
 * <pre>
 *   java -cp ... shm.bench.ControlCycles MODE ROOT N
 * </pre>
 */
public final class ControlCycles {

    private static final int WARM = 500;

    private ControlCycles() {
    }

    /** {@code MODE ROOT N}. */
    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path root = Path.of(args[1]);
        int n = Integer.parseInt(args[2]);
        try (MmapBackend backend = new MmapBackend(MmapSettings.under(root))) {
            switch (mode) {
                case "create" -> {
                    cycles(() -> create(backend), WARM + n);
                }
                case "open-here" -> {
                    try (BackendHandle held = backend.createOrOpen(ObjectType.SHARED_MEMORY, "held", 4096,
                            MapOptions.DEFAULT)) {
                        cycles(() -> open(backend), WARM + n);
                    }
                }
                case "open-elsewhere" -> {
                    try (CPeerHolder peer = CPeerHolder.hold(root, "held", 4096)) {
                        cycles(() -> open(backend), WARM + n);
                    }
                }
                default -> throw new IllegalArgumentException("mode: create | open-here | open-elsewhere");
            }
        } finally {
            Trees.deleteRecursively(root);
        }
    }

    private static void cycles(Runnable cycle, int count) {
        for (int i = 0; i < count; i++) {
            cycle.run();
        }
    }

    private static void create(MmapBackend backend) {
        try (BackendHandle h = backend.createOrOpen(ObjectType.SHARED_MEMORY, "cycle", 4096, MapOptions.DEFAULT)) {
            h.segment().address();
        }
    }

    private static void open(MmapBackend backend) {
        try (BackendHandle h = backend.open(ObjectType.SHARED_MEMORY, "held", MapOptions.DEFAULT)) {
            h.segment().address();
        }
    }
}
