package shm.shell;

import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
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
 * that an object only the shell holds is not destroyed by the update. The going revision registers its handles,
 * under the system bundle's context (so the registration outlives the revision), as a service with the property
 * {@value #PROPERTY}; the next revision takes them over: each handle is re-opened by name on the current service
 * before the old one is closed, and a name that cannot be re-opened is said in one line. Handles nobody takes over
 * within {@value #PATIENCE_SECONDS} s are closed.
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
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put(PROPERTY, Boolean.TRUE);
        java.util.concurrent.atomic.AtomicReference<ServiceRegistration<?>> registration =
                new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicBoolean taken = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.CountDownLatch takenOver = new java.util.concurrent.CountDownLatch(1);
        Supplier<Map<String, List<SharedMemory>>> carried = () -> {
            if (!taken.compareAndSet(false, true)) {
                return Map.of();
            }
            unregister(registration.get());
            takenOver.countDown();
            return handles;
        };
        registration.set(system.getBundleContext().registerService(Supplier.class.getName(), carried, properties));
        // Ends as soon as the handles are taken over, so that nothing of this revision stays reachable after.
        Thread.ofVirtual().name("shm.shell handover").start(() -> {
            try {
                takenOver.await(PATIENCE_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            if (taken.compareAndSet(false, true)) {
                unregister(registration.get());
                handles.values().forEach(list -> list.forEach(SharedMemory::close));
            }
        });
        return true;
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
            if (!(carried instanceof Supplier<?> supplier) || !(supplier.get() instanceof Map<?, ?> handles)) {
                continue;
            }
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
                for (Object handle : old) {
                    if (handle instanceof AutoCloseable closeable) {
                        try {
                            closeable.close();
                        } catch (Exception ignored) {
                            // the new handle holds the object now
                        }
                    }
                }
            }
            try {
                context.ungetService(reference);
            } catch (IllegalStateException gone) {
                // unregistered when taken
            }
        }
        return lost;
    }
}
