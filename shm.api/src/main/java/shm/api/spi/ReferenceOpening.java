package shm.api.spi;

import org.osgi.annotation.versioning.ProviderType;

import shm.api.MapOptions;
import shm.api.SharedMemory;

/**
 * A neutral shared-memory service that also opens an object by its backend reference, named or not: how a handle that
 * outlives the revision of the service that made it (an update of {@code shm.core}) finds an unnamed object again in
 * the next revision, taking over the hold its revision parked. Implemented by the neutral service next to
 * {@link shm.api.SharedMemoryService}; used by its earlier revisions.
 *
 * @since 1.3
 */
@ProviderType
public interface ReferenceOpening {

    /**
     * Opens the object {@code ref} names in the store {@code namespace} (a backend's {@link ShmBackend#NAMESPACE_PROPERTY}),
     * taking back a hold this process parked on it, or else adding one ({@link ShmBackend#reclaiming}): the call of
     * the successor of a parked handle, and of nobody else.
     *
     * @throws shm.api.ShmException NOT_FOUND when the object no longer exists, INCOMPATIBLE_STORE when the service
     *                              serves another store (a reference names an object in one store only), CLOSED
     */
    SharedMemory openByRef(ObjectRef ref, String namespace, MapOptions options);
}
