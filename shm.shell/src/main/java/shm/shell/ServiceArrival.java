package shm.shell;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.util.tracker.ServiceTracker;

/**
 * Waits in the OSGi service registry, up to a deadline, until a service matching a filter is registered; answers at
 * once when one already is.
 */
final class ServiceArrival implements ServiceWait {

    private final BundleContext context;

    /**
     * Waits in the registry as {@code context} sees it.
     *
     * @param context the context whose view of the service registry is used
     */
    ServiceArrival(BundleContext context) {
        this.context = Objects.requireNonNull(context, "context");
    }

    /** {@inheritDoc} */
    @Override
    public boolean await(String filter, Instant deadline) throws InterruptedException {
        ServiceTracker<Object, Object> tracker;
        try {
            tracker = new ServiceTracker<>(context, context.createFilter(filter), null);
        } catch (InvalidSyntaxException badFilter) {
            throw new IllegalArgumentException("not a service filter: " + filter, badFilter);
        }
        tracker.open(true);
        try {
            while (tracker.getServiceReference() == null) {
                long remaining = Duration.between(Instant.now(), deadline).toMillis();
                if (remaining <= 0) {
                    return false;
                }
                tracker.waitForService(remaining);
            }
            return true;
        } finally {
            tracker.close();
        }
    }
}
