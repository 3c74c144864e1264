package shm.personality.ntx;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;

import shm.api.ntx.NtxConstants;
import shm.api.ntx.NtxHandleResult;
import shm.provider.mmap.MmapBackend;
import shm.provider.mmap.MmapSettings;
import shm.testkit.StoreFixture;

/**
 * A real mmap store on tmpfs with the INtime side ({@link #rt()}) and NTX "Windows processes" over it: each
 * {@link #windows} is one personality instance with its own mapping cache, as Windows processes have.
 */
final class NtxFixture extends StoreFixture<MmapBackend> {

    /** The GDT size of the fixtures: small, so that slot reuse is quick to provoke. */
    static final int GDT_SLOTS = 8;

    final Path root = root();
    final MmapBackend backend = backend();
    private RtSide rt;

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
        super("shm-ntx-test", root -> new MmapBackend(settings.withRoot(root)));
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
        return track(new NtxPersonality(backend, settings));
    }

    /** The NTXHANDLE of an RTHANDLE, converted as NTX code must: {@code ntxImportRtHandle} from the root process. */
    static long imported(NtxPersonality ntx, int rtHandle) {
        NtxHandleResult root = ntx.ntxGetRootRtProcess();
        NtxHandleResult converted = ntx.ntxImportRtHandle(rtHandle, root.handle());
        assertEquals(NtxConstants.E_OK, converted.status(), () -> converted.error().map(Throwable::getMessage)
                .orElse(""));
        return converted.handle();
    }
}
