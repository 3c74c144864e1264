package shm.runtime.launch;

import java.nio.file.Path;

import shm.api.MapOptions;
import shm.api.ObjectType;
import shm.api.spi.BackendHandle;
import shm.provider.mmap.MmapBackend;
import shm.provider.mmap.MmapSettings;

/**
 * A child JVM for {@link LinkerWarmUpIT}: with {@code warm} it runs the launcher's linker warm-up on its main thread
 * first; then it loads {@link ProviderPhase} (a mark in the class-loading log), opens an mmap backend over a new root
 * (the table is created and sized), creates, maps and closes one object with its space reserved, lists the store,
 * and prints {@code done}.
 */
public final class WarmUpThenProvider {

    private WarmUpThenProvider() {
    }

    /**
     * Runs the child.
     *
     * @param arguments the store's root, then {@code warm} or {@code cold}
     */
    public static void main(String[] arguments) throws Exception {
        if (arguments[1].equals("warm")) {
            new LinkerWarmUp().run();
        }
        Class.forName(ProviderPhase.class.getName());
        Path root = Path.of(arguments[0]);
        try (MmapBackend backend = new MmapBackend(MmapSettings.under(root).withReserveSpace(true))) {
            try (BackendHandle handle = backend.createOrOpen(ObjectType.SHARED_MEMORY, "warm-up-check", 4096,
                    MapOptions.DEFAULT)) {
                handle.segment().set(java.lang.foreign.ValueLayout.JAVA_BYTE, 0, (byte) 1);
            }
            backend.list();
        }
        System.out.println("done");
    }

    /** Loaded when the provider's part begins: its line in the class-loading log marks the boundary. */
    static final class ProviderPhase {
        private ProviderPhase() {
        }
    }
}
