package shm.personality.ntx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;

import shm.api.ntx.NtxConstants;
import shm.api.ntx.NtxHandleResult;
import shm.provider.mmap.MmapBackend;
import shm.provider.mmap.MmapSettings;

/**
 * A real mmap store on tmpfs with the INtime side ({@link #rt()}) and NTX "Windows processes" over it: each
 * {@link #windows} is one personality instance with its own mapping cache, as Windows processes have.
 */
final class NtxFixture implements AutoCloseable {

    /** The GDT size of the fixtures: small, so that slot reuse is quick to provoke. */
    static final int GDT_SLOTS = 8;

    final Path root = Path.of("/dev/shm", "shm-ntx-test-" + UUID.randomUUID(), "ns");
    final MmapBackend backend;
    private RtSide rt;
    private final List<NtxPersonality> processes = new ArrayList<>();

    NtxFixture() {
        this(MmapSettings.under(Path.of("/dev/shm", "unused")));
    }

    NtxFixture(MmapSettings settings) {
        this(settings, true);
    }

    /**
     * A store; with {@code rtSideHere} the INtime side of this JVM opens the GDT at once with {@link #GDT_SLOTS}
     * slots, otherwise (the RT side is another process) the tables are left to whoever opens them first.
     */
    NtxFixture(MmapSettings settings, boolean rtSideHere) {
        backend = new MmapBackend(settings.withRoot(root));
        if (rtSideHere) {
            rt = new RtSide(backend, GDT_SLOTS);
        }
    }

    /** The INtime side in this JVM (made now if the fixture was made without it). */
    RtSide rt() {
        if (rt == null) {
            rt = new RtSide(backend, GDT_SLOTS);
        }
        return rt;
    }

    /** A new Windows process with the default settings (node 0, the cache as NTX keeps it). */
    NtxPersonality windows() {
        return windows(NtxSettings.defaults());
    }

    /** A new Windows process with the given settings. */
    NtxPersonality windows(NtxSettings settings) {
        NtxPersonality process = new NtxPersonality(backend, settings);
        processes.add(process);
        return process;
    }

    /** The NTXHANDLE of an RTHANDLE, converted as NTX code must: {@code ntxImportRtHandle} from the root process. */
    static long imported(NtxPersonality ntx, int rtHandle) {
        NtxHandleResult root = ntx.ntxGetRootRtProcess();
        NtxHandleResult converted = ntx.ntxImportRtHandle(rtHandle, root.handle());
        assertEquals(NtxConstants.E_OK, converted.status(), () -> converted.error().map(Throwable::getMessage)
                .orElse(""));
        return converted.handle();
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
        processes.forEach(NtxPersonality::close);
        backend.close();
        try (Stream<Path> all = Files.walk(root.getParent())) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
