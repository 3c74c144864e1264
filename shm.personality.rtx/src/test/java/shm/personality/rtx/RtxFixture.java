package shm.personality.rtx;

import java.nio.file.Path;

import shm.api.spi.ShmBackend;
import shm.provider.mmap.MmapBackend;
import shm.provider.mmap.MmapSettings;
import shm.testkit.BackendUnderTest;
import shm.testkit.StoreFixture;

/**
 * A real mmap store on tmpfs with RTX "processes" over it: each {@link #process} is one personality instance with
 * its own handle table, as RTX processes have.
 */
final class RtxFixture extends StoreFixture<AutoCloseable> {

    final Path root = root();
    /** The mmap backend, or the backend {@link BackendUnderTest} names (a vendor backend over its test double). */
    final ShmBackend backend = (ShmBackend) backend();

    RtxFixture() {
        this(MmapSettings.under(Path.of("/dev/shm", "unused")));
    }

    /** A store with {@code settings} but its own fresh root. */
    RtxFixture(MmapSettings settings) {
        super("shm-rtx-test",
                root -> (AutoCloseable) BackendUnderTest.open(root, () -> new MmapBackend(settings.withRoot(root))));
    }

    /** A new RTX "process" with the given rules. */
    RtxPersonality process(CallerContext context, Flavour flavour) {
        return process(new RtxSettings(context, flavour, 260));
    }

    /** A new RTX "process" with the given settings. */
    RtxPersonality process(RtxSettings settings) {
        return track(new RtxPersonality(backend, settings));
    }

    RtxPersonality rtss() {
        return process(CallerContext.RTSS_PROCESS, Flavour.LEGACY_RTX);
    }

    RtxPersonality windows() {
        return process(CallerContext.WINDOWS_PROCESS, Flavour.LEGACY_RTX);
    }
}
