package shm.provider.win32;

import java.util.Optional;

import shm.api.MapOptions;
import shm.api.spi.BackendHandle;
import shm.api.spi.DescriptorTable;
import shm.api.spi.Directory;
import shm.api.spi.ObjectRef;

/**
 * What a vendor adds to the Win32-style objects of {@link Win32Backend}: INtime's NTX gives a read-only view of the
 * RT side (root directory lookup, RT-handle import, mapping RT memory). The default refuses all of it.
 */
public interface VendorExtension extends AutoCloseable {

    /** The descriptor table of this name, or empty when the vendor has none (the backend then refuses). */
    default Optional<DescriptorTable> descriptors(String name, int capacity, int perProcessLimit) {
        return Optional.empty();
    }

    /** The vendor's directory, or empty when it has none (the backend then refuses). */
    default Optional<Directory> directory() {
        return Optional.empty();
    }

    /** Opens a reference this extension gave out (its {@link ObjectRef} values), or empty when it is not one. */
    default Optional<BackendHandle> openByRef(ObjectRef ref, MapOptions options) {
        return Optional.empty();
    }

    /** Releases what the extension holds (mappings); the library stays the backend's to unload. */
    @Override
    default void close() {
    }
}
