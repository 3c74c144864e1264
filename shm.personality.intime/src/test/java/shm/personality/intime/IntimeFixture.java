package shm.personality.intime;

import java.nio.file.Path;

import shm.api.intime.IntimeTables;
import shm.api.spi.PoolUsage;
import shm.provider.mmap.MmapBackend;
import shm.provider.mmap.MmapSettings;
import shm.testkit.StoreFixture;

/**
 * A real mmap store on tmpfs with INtime processes over it: each {@link #process} is one personality instance with
 * its own handles, memory, directory and status storage, as INtime processes have.
 */
final class IntimeFixture extends StoreFixture<MmapBackend> {

    final Path root = root();
    final MmapBackend backend = backend();

    IntimeFixture() {
        super("shm-intime-test", root -> new MmapBackend(MmapSettings.under(root)));
    }

    /** A new INtime process with the default settings. */
    IntimePersonality process() {
        return process(IntimeSettings.defaults());
    }

    /** A new INtime process with the given settings. */
    IntimePersonality process(IntimeSettings settings) {
        return track(new IntimePersonality(backend, settings));
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
}
