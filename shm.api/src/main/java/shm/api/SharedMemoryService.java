package shm.api;

import java.util.List;
import java.util.Optional;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The neutral shared-memory service: Win32 file-mapping semantics over whatever backend is bound. Implemented by the
 * platform; gateway code uses it.
 *
 * <p>Names are case-sensitive, non-empty Unicode strings without NUL; the bound backend may refuse names it cannot
 * store (with {@link ErrorReason#INVALID_NAME}). All methods are thread-safe. After the service is deactivated its
 * handles are closed and every method throws {@link ShmException} with {@link ErrorReason#CLOSED}.
 */
@ProviderType
public interface SharedMemoryService {

    /**
     * Creates the named object, or opens it if it exists. When it exists, its size wins over {@code size} and
     * {@link SharedMemory#alreadyExisted()} is {@code true}.
     *
     * @param name    the object's name
     * @param size    the size in bytes for a new object, at least 1
     * @param options how to map it
     * @throws ShmException {@link ErrorReason#INVALID_NAME}, {@link ErrorReason#INVALID_PARAMETER} (size),
     *                      {@link ErrorReason#NO_MEMORY} (does not fit), {@link ErrorReason#NAME_USED_BY_OTHER_TYPE}
     */
    SharedMemory createOrOpen(String name, long size, MapOptions options);

    /** {@link #createOrOpen(String, long, MapOptions)} with {@link MapOptions#DEFAULT}. */
    default SharedMemory createOrOpen(String name, long size) {
        return createOrOpen(name, size, MapOptions.DEFAULT);
    }

    /**
     * Creates an object that has no name; it can be reached only through the returned handle.
     *
     * @throws ShmException {@link ErrorReason#INVALID_PARAMETER} (size), {@link ErrorReason#NO_MEMORY}
     */
    SharedMemory createUnnamed(long size, MapOptions options);

    /**
     * Opens an existing object.
     *
     * @throws ShmException {@link ErrorReason#NOT_FOUND}, {@link ErrorReason#INVALID_NAME},
     *                      {@link ErrorReason#NAME_USED_BY_OTHER_TYPE}
     */
    SharedMemory open(String name, MapOptions options);

    /** {@link #open(String, MapOptions)} with {@link MapOptions#DEFAULT}. */
    default SharedMemory open(String name) {
        return open(name, MapOptions.DEFAULT);
    }

    /** A snapshot of one named object of any type; empty when no object has that name. */
    Optional<ObjectInfo> info(String name);

    /** A snapshot of all named objects of all types, sorted by name. */
    List<ObjectInfo> list();
}
