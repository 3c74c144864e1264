package shm.provider.mmap;

import shm.testkit.StoreFixture;

/** Stores of this backend for the tests: the test kit's {@link StoreFixture} over an {@link MmapBackend}. */
final class MmapStores {

    private MmapStores() {
    }

    /** An mmap backend with the default settings over a fresh root on tmpfs, for {@code @RegisterExtension}. */
    static StoreFixture<MmapBackend> fresh() {
        return new StoreFixture<>("shm-test", root -> new MmapBackend(MmapSettings.under(root)));
    }
}
