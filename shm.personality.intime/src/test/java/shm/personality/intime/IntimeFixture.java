package shm.personality.intime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import shm.api.intime.IntimeTables;
import shm.api.spi.PoolUsage;
import shm.provider.mmap.MmapBackend;
import shm.provider.mmap.MmapSettings;

/**
 * A real mmap store on tmpfs with INtime processes over it: each {@link #process} is one personality instance with
 * its own handles, memory, directory and status storage, as INtime processes have.
 */
final class IntimeFixture implements AutoCloseable {

    final Path root = Path.of("/dev/shm", "shm-intime-test-" + UUID.randomUUID(), "ns");
    final MmapBackend backend = new MmapBackend(MmapSettings.under(root));
    private final List<IntimePersonality> processes = new ArrayList<>();

    /** A new INtime process with the default settings. */
    IntimePersonality process() {
        return process(IntimeSettings.defaults());
    }

    /** A new INtime process with the given settings. */
    IntimePersonality process(IntimeSettings settings) {
        IntimePersonality process = new IntimePersonality(backend, settings);
        processes.add(process);
        return process;
    }

    /** How many GDT slots are in use, in every process. */
    int gdtUsed() {
        return backend.descriptors(IntimeTables.GDT_TABLE, 1, 1).used();
    }

    /** How many iwin32 handles are open, in every process. */
    int iwin32Used() {
        return backend.descriptors(IntimeTables.IWIN32_TABLE, 1, 1).used();
    }

    /** The iwin32 pool as the backend accounts it. */
    PoolUsage iwin32Pool() {
        return backend.poolUsage(IntimeTables.IWIN32_POOL).orElseThrow();
    }

    /** The object files in the store (everything but the object table). */
    List<String> objectFiles() {
        try (Stream<Path> files = Files.list(root)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> !n.equals("table")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        processes.forEach(IntimePersonality::close);
        backend.close();
        try (Stream<Path> all = Files.walk(root.getParent())) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
