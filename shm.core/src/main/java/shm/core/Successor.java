package shm.core;

import shm.api.SharedMemory;

/**
 * How a handle whose service was deactivated (an update or stop of {@code shm.core}) finds the service that
 * succeeds it and opens its object there, taking over the hold the old service parked.
 */
@FunctionalInterface
interface Successor {

    /**
     * Opens the handle's object through the successor service.
     *
     * @throws shm.api.ShmException CLOSED when no successor came within the wait (the caller may try again later);
     *                              any other reason when the successor refused the object (the handle is lost)
     */
    Adopted adopt(NeutralHandle orphan);

    /** A handle of the successor service and what to give back when the orphan closes. */
    interface Adopted extends AutoCloseable {

        /** The successor's handle to the same object. */
        SharedMemory handle();

        /** Closes the successor's handle and lets go of the successor service. */
        @Override
        void close();
    }
}
