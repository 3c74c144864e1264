package shm.itest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.Filter;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

import shm.api.SharedMemoryService;
import shm.api.spi.ShmBackend;
import shm.testkit.Await;

/**
 * Finds services in the framework under test, waiting for them with a deadline. The trackers stay open until
 * {@link #close()}, so the services found stay in use: a delayed DS component is not deactivated under the test.
 */
final class Services implements AutoCloseable {

    /** Filter that selects the mmap backend. */
    static final String MMAP = "(" + ShmBackend.TYPE_PROPERTY + "=mmap)";

    private final BundleContext context;
    private final List<ServiceTracker<?, ?>> trackers = new ArrayList<>();

    /** Services seen through {@code context}, the test probe's context. */
    Services(BundleContext context) {
        this.context = context;
    }

    /**
     * Waits until a service of {@code type} matching {@code filter} (may be {@code null}) is registered.
     *
     * @return the service object of the highest-ranked match, held until {@link #close()}
     * @throws AssertionError when none is registered within {@code timeout}
     */
    <T> T await(Class<T> type, String filter, Duration timeout) {
        ServiceTracker<T, T> tracker = new ServiceTracker<>(context, filter(type, filter), null);
        tracker.open();
        trackers.add(tracker);
        try {
            T service = tracker.waitForService(timeout.toMillis());
            if (service == null) {
                throw new AssertionError("no " + type.getSimpleName() + (filter == null ? "" : " " + filter)
                        + " registered within " + timeout.toMillis() + " ms");
            }
            return service;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted while waiting for " + type.getSimpleName(), e);
        }
    }

    /** The {@link SharedMemoryService}, waiting up to {@link Await#DEFAULT}. */
    SharedMemoryService shm() {
        return await(SharedMemoryService.class, null, Await.DEADLINE);
    }

    /** The mmap {@link ShmBackend}, waiting up to {@link Await#DEFAULT}. */
    ShmBackend mmap() {
        return await(ShmBackend.class, MMAP, Await.DEADLINE);
    }

    /** The references registered now for {@code type} and {@code filter}, highest ranking first. */
    <T> List<ServiceReference<T>> references(Class<T> type, String filter) {
        try {
            Collection<ServiceReference<T>> found = context.getServiceReferences(type, filter);
            return found.stream().sorted(Comparator.reverseOrder()).toList();
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(filter, e);
        }
    }

    /** The {@code service.id} values of the services registered now for {@code type} and {@code filter}. */
    List<Long> ids(Class<?> type, String filter) {
        return references(type, filter).stream().map(r -> (Long) r.getProperty(Constants.SERVICE_ID)).toList();
    }

    /** Closes every tracker opened here, releasing the services found. */
    @Override
    public void close() {
        trackers.forEach(ServiceTracker::close);
        trackers.clear();
    }

    private static Filter filter(Class<?> type, String filter) {
        String clazz = "(" + Constants.OBJECTCLASS + "=" + type.getName() + ")";
        String expression = filter == null ? clazz : "(&" + clazz + filter + ")";
        try {
            return FrameworkUtil.createFilter(expression);
        } catch (InvalidSyntaxException e) {
            throw new IllegalArgumentException(expression, e);
        }
    }
}
