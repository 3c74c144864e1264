package shm.api;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * Hears when a {@link SharedMemory} handle's mapping changes. Implemented by users of the API.
 *
 * <p>Called on the thread that performs the change, after the new mapping is in place and before the old one is
 * released. Implementations must be quick and must not call back into the platform for the same handle.
 */
@ConsumerType
@FunctionalInterface
public interface MappingListener {

    /** The handle's mapping changed or was lost; see {@link MappingEvent#kind()}. */
    void mappingChanged(MappingEvent event);
}
