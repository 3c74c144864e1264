package shm.shell;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;

import shm.api.SharedMemory;
import shm.api.SharedMemoryService;

/**
 * Carries the shared-memory handles of the shell's commands across an update (or stop and start) of shm.shell, so
 * that an object only the shell holds is not destroyed by the update. The going revision first opens each object
 * again through the framework's own instance of the neutral service (obtained with the system bundle's context, so it
 * outlives the revision) and closes its own handle after ({@link CarriedHandles}): the object is held by a live handle
 * throughout, never by a parked hold alone, which any other open in the process could take over and release. It
 * registers the carried handles, under the system bundle's context, as a service with the property
 * {@value #PROPERTY}; the next revision takes them over: each is re-opened by name on the current service before the
 * carried one is closed, and a name that cannot be re-opened is said in one line. Handles nobody takes over within
 * {@value #PATIENCE_SECONDS} s are closed.
 */
final class ShellHandover {

    /** The service property that marks the handover. */
    static final String PROPERTY = "shm.shell.handover";
    /** How long the handles wait for the next revision. */
    static final long PATIENCE_SECONDS = 60;

    private ShellHandover() {
    }

    /** Hands {@code handles} over when the framework goes on; answers whether it did (else close them). */
    static boolean handOver(BundleContext context, Map<String, List<SharedMemory>> handles) {
        Bundle system = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION);
        if (handles.isEmpty() || system == null || system.getState() != Bundle.ACTIVE) {
            return false;
        }
        BundleContext framework = system.getBundleContext();
        Map<String, List<AutoCloseable>> carried = carry(context, framework, handles);
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(PROPERTY, Boolean.TRUE);
        AtomicReference<ServiceRegistration<?>> registration = new AtomicReference<>();
        AtomicBoolean taken = new AtomicBoolean();
        CountDownLatch takenOver = new CountDownLatch(1);
        Supplier<Map<String, List<AutoCloseable>>> supplier = () -> {
            if (!taken.compareAndSet(false, true)) {
                return Map.of();
            }
            unregister(registration.get());
            takenOver.countDown();
            return carried;
        };
        registration.set(framework.registerService(Supplier.class.getName(), supplier, properties));
        // Ends as soon as the handles are taken over, so that nothing of this revision stays reachable after.
        Thread.ofVirtual().name("shm.shell handover").start(() -> {
            try {
                takenOver.await(PATIENCE_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            if (taken.compareAndSet(false, true)) {
                unregister(registration.get());
                carried.values().forEach(list -> list.forEach(ShellHandover::closeQuietly));
            }
        });
        return true;
    }

    /**
     * The handles opened again through the framework's instance of the neutral service (let go after the last carried
     * handle is closed); a handle that cannot be opened so is carried as it is. The service is looked up with the
     * system bundle's context among those this revision can use (the system bundle imports none of our packages, so
     * its own view would find none), the best ranked first.
     */
    private static Map<String, List<AutoCloseable>> carry(BundleContext context, BundleContext framework,
            Map<String, List<SharedMemory>> handles) {
        ServiceReference<?> reference = null;
        SharedMemoryService carrier = null;
        try {
            ServiceReference<?>[] all = framework.getAllServiceReferences(SharedMemoryService.class.getName(), null);
            Bundle self = context.getBundle();
            reference = all == null ? null : Arrays.stream(all)
                    .filter(candidate -> candidate.isAssignableTo(self, SharedMemoryService.class.getName()))
                    .max(Comparator.naturalOrder()).orElse(null);
            Object service = reference == null ? null : framework.getService(reference);
            if (service instanceof SharedMemoryService usable) {
                carrier = usable;
            } else if (service != null) {
                framework.ungetService(reference);
            }
        } catch (IllegalStateException | InvalidSyntaxException unavailable) {
            carrier = null; // the service is going away at this moment (an update of shm.core, say)
        }
        ServiceReference<?> got = carrier == null ? null : reference;
        return CarriedHandles.carry(handles, carrier, () -> {
            if (got != null) {
                try {
                    framework.ungetService(got);
                } catch (IllegalStateException stopped) {
                    // the framework stopped
                }
            }
        });
    }

    private static void unregister(ServiceRegistration<?> registration) {
        try {
            registration.unregister();
        } catch (IllegalStateException alreadyGone) {
            // the framework stopped
        }
    }

    /**
     * Takes over the handles of the previous revision, if it left some: re-opens each on {@code service} into
     * {@code held}, then closes the old one. Answers one line per name that could not be re-opened.
     */
    static List<String> takeOver(BundleContext context, SharedMemoryService service, HeldHandles held) {
        List<String> lost = new ArrayList<>();
        ServiceReference<?>[] found;
        try {
            found = context.getAllServiceReferences(Supplier.class.getName(), "(" + PROPERTY + "=true)");
        } catch (InvalidSyntaxException impossible) {
            return lost;
        }
        if (found == null) {
            return lost;
        }
        for (ServiceReference<?> reference : found) {
            Object carried = context.getService(reference);
            if (carried instanceof Supplier<?> supplier && supplier.get() instanceof Map<?, ?> handles) {
                lost.addAll(takeOver(handles, service, held));
            }
            try {
                context.ungetService(reference);
            } catch (IllegalStateException gone) {
                // unregistered when taken
            }
        }
        return lost;
    }

    /**
     * Takes over carried {@code handles} (by object name, a list of handles each): re-opens each on {@code service}
     * into {@code held}, then closes the carried one. Answers one line per name that could not be re-opened.
     */
    static List<String> takeOver(Map<?, ?> handles, SharedMemoryService service, HeldHandles held) {
        List<String> lost = new ArrayList<>();
        for (Map.Entry<?, ?> entry : handles.entrySet()) {
            String name = String.valueOf(entry.getKey());
            List<?> old = entry.getValue() instanceof List<?> list ? list : List.of();
            try {
                for (int i = 0; i < old.size(); i++) {
                    held.keep(name, service.open(name));
                }
            } catch (RuntimeException failure) {
                lost.add("shm.shell lost its handle of " + OperatorText.quoted(name) + " across its update: "
                        + CommandLineRun.oneLine(failure));
            }
            old.forEach(ShellHandover::closeQuietly);
        }
        return lost;
    }

    private static void closeQuietly(Object handle) {
        if (handle instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // the new handle holds the object now
            }
        }
    }
}
