package shm.bench;

import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import shm.api.SharedMemory;
import shm.core.Candidate;
import shm.core.NeutralSharedMemoryService;
import shm.provider.mmap.MmapBackend;
import shm.provider.mmap.MmapSettings;

/**
 * The swap pause: from the moment a backend instance goes away (the neutral service hears it leave and the instance
 * parks its holds, as at {@code update} of {@code shm.provider.mmap}) to the first successful {@code segment()} on a
 * moved handle, after the next instance over the same root was bound, with 1, 100 and 1000 objects held open through
 * the neutral service. The same code path SCR drives in the framework, without the framework's own bundle work (which
 * comes on top: stopping and starting the bundle, SCR activating the component).
 *
 * <p>Usage: {@code SwapPause ROOT [REPEATS]}. Prints one line per object count:
 * {@code SWAP objects=N repeats=R pause_ms p50=… max=… all_moved_ms p50=…}.
 */
public final class SwapPause {

    private SwapPause() {
    }

    /** Runs the measurement; see the class documentation. */
    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 7;
        for (int objects : new int[] {1, 100, 1000}) {
            measure(root.resolve("n" + objects), objects, repeats);
        }
    }

    private static void measure(Path root, int objects, int repeats) throws Exception {
        NeutralSharedMemoryService service = new NeutralSharedMemoryService(Duration.ofSeconds(30));
        MmapBackend backend = backend(root);
        service.backendAdded(new Candidate(backend, "bench", 0, 0, "mmap #0", 60_000));
        List<SharedMemory> handles = new ArrayList<>();
        for (int i = 0; i < objects; i++) {
            SharedMemory h = service.createOrOpen("swap." + i, 4096);
            h.segment().set(ValueLayout.JAVA_LONG, 0, i);
            handles.add(h);
        }
        double[] first = new double[repeats];
        double[] all = new double[repeats];
        for (int r = 0; r < repeats; r++) {
            long start = System.nanoTime();
            service.backendRemoved(backend);
            backend.park();
            backend = backend(root);
            service.backendAdded(new Candidate(backend, "bench", 0, r + 1, "mmap #" + (r + 1), 60_000));
            long value = handles.getFirst().segment().get(ValueLayout.JAVA_LONG, 0);
            first[r] = (System.nanoTime() - start) / 1e6;
            for (SharedMemory h : handles) {
                h.segment().get(ValueLayout.JAVA_LONG, 0);
            }
            all[r] = (System.nanoTime() - start) / 1e6;
            if (value != 0) {
                throw new IllegalStateException("the first object lost its bytes: " + value);
            }
        }
        handles.forEach(SharedMemory::close);
        service.close();
        backend.close();
        Arrays.sort(first);
        Arrays.sort(all);
        System.out.printf("SWAP objects=%d repeats=%d pause_ms p50=%.2f max=%.2f all_moved_ms p50=%.2f max=%.2f%n",
                objects, repeats, first[repeats / 2], first[repeats - 1], all[repeats / 2], all[repeats - 1]);
        try (var files = Files.list(root)) {
            if (files.anyMatch(p -> !p.getFileName().toString().equals("table"))) {
                throw new IllegalStateException("objects left under " + root);
            }
        }
    }

    private static MmapBackend backend(Path root) {
        MmapBackend backend = new MmapBackend(MmapSettings.under(root));
        backend.parkHoldsFor(Duration.ofMinutes(1));
        return backend;
    }
}
