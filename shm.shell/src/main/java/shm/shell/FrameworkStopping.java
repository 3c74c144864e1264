package shm.shell;

import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;

/**
 * Runs something as soon as the framework begins to stop, before any bundle stops. shm.shell starts before the shm
 * bundles (its entry point starts them), so it stops after them: its commands close their handles here instead,
 * while the backend that issued them still runs, so that the holds are released rather than left parked.
 */
final class FrameworkStopping {

    private FrameworkStopping() {
    }

    /** Calls {@code action} once the system bundle is stopping; answers the listener, for {@link #remove}. */
    static SynchronousBundleListener onStop(BundleContext context, Runnable action) {
        SynchronousBundleListener listener = event -> {
            if (event.getBundle().getBundleId() == 0 && event.getType() == BundleEvent.STOPPING) {
                action.run();
            }
        };
        context.addBundleListener(listener);
        return listener;
    }

    /** Removes a listener {@link #onStop} added; nothing when either is {@code null} or the bundle stopped already. */
    static void remove(BundleContext context, SynchronousBundleListener listener) {
        if (context == null || listener == null) {
            return;
        }
        try {
            context.removeBundleListener(listener);
        } catch (IllegalStateException bundleStopped) {
            // the framework removed it with the bundle
        }
    }
}
