package shm.core;

import java.util.List;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.util.tracker.ServiceTracker;

import shm.api.ErrorReason;
import shm.api.MapOptions;
import shm.api.MappingEvent;
import shm.api.MappingListener;
import shm.api.SharedMemory;
import shm.api.SharedMemoryService;
import shm.api.ShmException;

/**
 * The classes an orphaned handle runs after this bundle revision is gone (updated or refreshed away): Felix refuses
 * to load any class through a revision whose wiring is no longer valid, so every class the orphan's code path names is
 * loaded here, while the component activates, and the class loader remembers them.
 */
final class OrphanClasses {

    private OrphanClasses() {
    }

    /** Loads them; returns how many (so that the work cannot be optimized away). */
    static int load() {
        List<Class<?>> classes = List.of(NeutralHandle.class, NeutralHandle.Forwarding.class, Successor.class,
                Successor.Adopted.class, RegistrySuccessor.class, RegistrySuccessor.TrackedHandle.class,
                ServiceTracker.class, Bundle.class, BundleContext.class, SharedMemoryService.class, SharedMemory.class,
                MapOptions.class, MappingEvent.class, MappingEvent.Kind.class, MappingListener.class,
                ShmException.class, ErrorReason.class, InterruptedException.class, IllegalStateException.class,
                Candidate.class, NeutralSharedMemoryService.class, System.Logger.class, System.Logger.Level.class,
                java.util.concurrent.TimeUnit.class, java.util.concurrent.CopyOnWriteArrayList.class,
                shm.api.spi.ReferenceOpening.class, shm.api.spi.ObjectRef.class);
        return classes.size();
    }
}
