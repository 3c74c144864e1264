package shm.itest;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;

/**
 * Looks at the root at the moment a bundle has stopped, before anything starts it again: the window inside
 * {@link Bundle#update()} between the old revision's stop and the new revision's start.
 */
final class StopSnapshot implements SynchronousBundleListener, AutoCloseable {

    /**
     * What was left when the bundle had stopped.
     *
     * @param files          all entries of the root
     * @param mappings       the lines of {@code /proc/self/maps} under the root
     * @param objectMappings those of the {@code mappings} that map an object's file or a temporary file
     */
    record Leftovers(List<String> files, List<String> mappings, List<String> objectMappings) {

        /** Those of the {@code files} that are objects' files or temporary files. */
        List<String> objectFiles() {
            return files.stream().filter(RootDir::isObjectFile).toList();
        }
    }

    private final BundleContext context;
    private final long bundleId;
    private final RootDir root;
    private final AtomicReference<Leftovers> seen = new AtomicReference<>();

    private StopSnapshot(BundleContext context, Bundle bundle, RootDir root) {
        this.context = context;
        this.bundleId = bundle.getBundleId();
        this.root = root;
    }

    /** Starts watching {@code bundle}; close to stop watching. */
    static StopSnapshot watch(BundleContext context, Bundle bundle, RootDir root) {
        StopSnapshot snapshot = new StopSnapshot(context, bundle, root);
        context.addBundleListener(snapshot);
        return snapshot;
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        if (event.getType() == BundleEvent.STOPPED && event.getBundle().getBundleId() == bundleId) {
            seen.compareAndSet(null, new Leftovers(root.entries(), ProcMaps.under(root.path()),
                    ProcMaps.objectsUnder(root.path())));
        }
    }

    /**
     * What was left at the first stop seen.
     *
     * @throws AssertionError when the bundle has not stopped since {@link #watch}
     */
    Leftovers leftovers() {
        Leftovers leftovers = seen.get();
        if (leftovers == null) {
            throw new AssertionError("bundle " + bundleId + " did not stop");
        }
        return leftovers;
    }

    /** Stops watching. */
    @Override
    public void close() {
        context.removeBundleListener(this);
    }
}
