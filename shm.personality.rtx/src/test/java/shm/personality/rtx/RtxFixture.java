package shm.personality.rtx;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import shm.api.spi.ShmBackend;
import shm.provider.mmap.MmapBackend;
import shm.provider.mmap.MmapSettings;
import shm.testkit.BackendUnderTest;

/**
 * A real mmap store on tmpfs with RTX "processes" over it: each {@link #process} is one personality instance with
 * its own handle table, as RTX processes have.
 */
final class RtxFixture implements AutoCloseable {

    final Path root = Path.of("/dev/shm", "shm-rtx-test-" + UUID.randomUUID(), "ns");
    final ShmBackend backend;
    private final List<RtxPersonality> processes = new ArrayList<>();

    RtxFixture() {
        this(MmapSettings.under(Path.of("/dev/shm", "unused")));
    }

    RtxFixture(MmapSettings settings) {
        backend = BackendUnderTest.open(root, () -> new MmapBackend(settings.withRoot(root)));
    }

    /** A new RTX "process" with the given rules. */
    RtxPersonality process(CallerContext context, Flavour flavour) {
        RtxPersonality process = new RtxPersonality(backend, new RtxSettings(context, flavour, 260));
        processes.add(process);
        return process;
    }

    RtxPersonality rtss() {
        return process(CallerContext.RTSS_PROCESS, Flavour.LEGACY_RTX);
    }

    RtxPersonality windows() {
        return process(CallerContext.WINDOWS_PROCESS, Flavour.LEGACY_RTX);
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
        processes.forEach(RtxPersonality::close);
        BackendUnderTest.close(backend);
        try (Stream<Path> all = Files.walk(root.getParent())) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
