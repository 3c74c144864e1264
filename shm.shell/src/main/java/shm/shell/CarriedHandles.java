package shm.shell;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import shm.api.SharedMemory;
import shm.api.SharedMemoryService;

/**
 * The handles of the shell's commands while shm.shell is updated: live handles, opened through a service that outlives
 * the going revision (the framework's own instance of the neutral service), before the revision's handles are closed.
 *
 * <p>Why not the revision's own handles: they come from the revision's instance of the neutral service, which is
 * released when the revision stops, and then parks their holds. A parked hold belongs to the process, not to a
 * handle: any open of that object in the process takes it over (another bundle's, a {@code shm:dump} of the next
 * revision, a test's check), and when that opener closes, the object's last hold goes and the object is destroyed
 * before the next revision takes the shell's handle over (which then finds NOT_FOUND). A carried handle is a hold like
 * any other: another opener adds its own hold and releases only that one.
 *
 * <p>Each carried handle is closed once (by the next revision after it opened its own, or when nobody took it over);
 * after the last one, the carrier service is let go.
 */
final class CarriedHandles {

    private CarriedHandles() {
    }

    /**
     * Carries {@code held}: for each handle, opens the same object through {@code carrier} first, then closes the
     * handle (make before break). A handle whose object the carrier cannot open (no service at this moment, say) is
     * carried as it is, so nothing is closed that was not replaced. {@code releaseCarrier} runs once, after every
     * carried handle opened through {@code carrier} was closed (at once when none was).
     *
     * @return the handles to hand over, by object name; each is closed with {@link AutoCloseable#close()}
     */
    static Map<String, List<AutoCloseable>> carry(Map<String, List<SharedMemory>> held, SharedMemoryService carrier,
            Runnable releaseCarrier) {
        Map<String, List<AutoCloseable>> carried = new LinkedHashMap<>();
        AtomicInteger open = new AtomicInteger();
        for (Map.Entry<String, List<SharedMemory>> entry : held.entrySet()) {
            List<AutoCloseable> handles = new ArrayList<>();
            for (SharedMemory handle : entry.getValue()) {
                SharedMemory replacement = carrier == null ? null : openOrNull(carrier, entry.getKey());
                if (replacement == null) {
                    handles.add(handle);
                } else {
                    open.incrementAndGet();
                    handles.add(new Carried(replacement, open, releaseCarrier));
                    handle.close();
                }
            }
            carried.put(entry.getKey(), handles);
        }
        if (open.get() == 0) {
            releaseCarrier.run();
        }
        return carried;
    }

    private static SharedMemory openOrNull(SharedMemoryService carrier, String name) {
        try {
            return carrier.open(name);
        } catch (RuntimeException notNow) {
            return null; // the revision's handle is carried as it is: its hold is parked, as before
        }
    }

    /** One handle opened through the carrier: closing it the first time closes the handle, and the last one lets go. */
    private static final class Carried implements AutoCloseable {

        private final SharedMemory handle;
        private final AtomicInteger open;
        private final Runnable releaseCarrier;
        private final AtomicBoolean closed = new AtomicBoolean();

        Carried(SharedMemory handle, AtomicInteger open, Runnable releaseCarrier) {
            this.handle = handle;
            this.open = open;
            this.releaseCarrier = releaseCarrier;
        }

        @Override
        public void close() {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            try {
                handle.close();
            } finally {
                if (open.decrementAndGet() == 0) {
                    releaseCarrier.run();
                }
            }
        }

        @Override
        public String toString() {
            return "carried " + handle;
        }
    }
}
