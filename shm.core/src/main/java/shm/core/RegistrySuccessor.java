package shm.core;

import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;

import shm.api.ErrorReason;
import shm.api.SharedMemory;
import shm.api.SharedMemoryService;
import shm.api.ShmException;
import shm.api.spi.ReferenceOpening;

/**
 * Finds the successor of a deactivated neutral service through the OSGi service registry, with the view of the bundle
 * that used the old service (its client): the client's own instance of the next {@link SharedMemoryService} opens the
 * object by its backend reference in its store ({@link ReferenceOpening}), which takes back the hold the old revision
 * parked, and only that open does: another client's open and close meanwhile adds and releases a hold of its own. The
 * old handle then forwards to the new one.
 *
 * <p>A successor without {@link ReferenceOpening} (before SPI 1.3) opens a named object by name, adding a hold (the
 * parked one expires at its deadline); it cannot find an unnamed object, and the handle is lost with that reason.
 */
final class RegistrySuccessor implements Successor {

    private final Bundle client;
    private final long waitMillis;

    /** Finds successors for {@code client}, waiting up to {@code waitMillis} for one to be registered. */
    RegistrySuccessor(Bundle client, long waitMillis) {
        this.client = client;
        this.waitMillis = waitMillis;
    }

    @Override
    public Adopted adopt(NeutralHandle orphan) {
        String name = orphan.nameOrNull();
        BundleContext context = client.getBundleContext();
        if (context == null) {
            throw new ShmException(ErrorReason.INVALID_PARAMETER, name, "the bundle that holds the handle, "
                    + client.getSymbolicName() + ", is no longer active");
        }
        ServiceTracker<SharedMemoryService, SharedMemoryService> tracker =
                new ServiceTracker<>(context, SharedMemoryService.class, null);
        tracker.open();
        try {
            SharedMemoryService next = tracker.waitForService(waitMillis);
            if (next == null) {
                throw new ShmException(ErrorReason.CLOSED, name, "no neutral shared memory service came back within "
                        + waitMillis + " ms after its bundle was stopped or updated");
            }
            SharedMemory handle;
            if (next instanceof ReferenceOpening byRef) {
                handle = byRef.openByRef(orphan.ref(), orphan.namespace(), orphan.options());
            } else if (name != null) {
                handle = next.open(name, orphan.options()); // a revision before SPI 1.3: the parked hold expires
            } else {
                throw new ShmException(ErrorReason.INVALID_PARAMETER, null, "an unnamed object cannot be found again"
                        + " by this revision of the neutral service: it has no name to open and the service cannot"
                        + " open by reference");
            }
            return new TrackedHandle(handle, tracker);
        } catch (InterruptedException e) {
            tracker.close();
            Thread.currentThread().interrupt();
            throw new ShmException(ErrorReason.CLOSED, name, "interrupted while waiting for the neutral service");
        } catch (RuntimeException e) {
            tracker.close();
            throw e;
        }
    }

    /**
     * The successor's handle and the tracker that holds the successor service, given back together. A named class
     * (not an anonymous one) so that {@link OrphanClasses} can load it while this revision's wiring is valid.
     */
    static final class TrackedHandle implements Adopted {

        private final SharedMemory handle;
        private final ServiceTracker<SharedMemoryService, SharedMemoryService> tracker;

        TrackedHandle(SharedMemory handle, ServiceTracker<SharedMemoryService, SharedMemoryService> tracker) {
            this.handle = handle;
            this.tracker = tracker;
        }

        @Override
        public SharedMemory handle() {
            return handle;
        }

        @Override
        public void close() {
            try {
                handle.close();
            } finally {
                tracker.close();
            }
        }
    }

    @Override
    public String toString() {
        return "successor of the neutral service as seen by " + client.getSymbolicName() + " (wait "
                + TimeUnit.MILLISECONDS.toSeconds(waitMillis) + " s)";
    }
}
