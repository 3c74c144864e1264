package shm.shell;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;

/**
 * Waits, before a run that ends at once (a bad option, {@code --help}, an unusable setting) lets the framework stop,
 * until Apache Felix FileInstall has started the watcher of the home's {@code etc/} that {@code EtcGate} asked for.
 * Otherwise Configuration Admin may hand FileInstall that request while FileInstall is already stopped, and prints
 * a stack trace ("Invalid BundleContext") after the one line the operator should see. FileInstall names the watcher's
 * thread {@code fileinstall-<folder>}.
 */
final class EtcWatcherStarted {

    /** The symbolic name of Apache Felix FileInstall. */
    static final String FILEINSTALL = "org.apache.felix.fileinstall";

    private EtcWatcherStarted() {
    }

    /**
     * A run of the entry point followed by the wait. A named class, not a lambda: the bnd launcher checks that the
     * main-thread service is a {@code Callable<Integer>} by the generic type of its class.
     */
    static final class Then implements java.util.concurrent.Callable<Integer> {

        private final java.util.concurrent.Callable<Integer> run;
        private final BundleContext context;
        private final Path etc;
        private final Duration patience;

        Then(java.util.concurrent.Callable<Integer> run, BundleContext context, Path etc, Duration patience) {
            this.run = run;
            this.context = context;
            this.etc = etc;
            this.patience = patience;
        }

        /** Runs, then waits for the watcher (at once when it runs already), whatever the run answered. */
        @Override
        public Integer call() throws Exception {
            try {
                return run.call();
            } finally {
                await(context, etc, patience);
            }
        }
    }

    /**
     * Waits up to {@code patience} for the watcher of {@code etc}; returns at once when there is no {@code etc} or
     * FileInstall does not run, or the framework is stopping. Answers whether the watcher runs (or none is to be
     * expected).
     */
    static boolean await(BundleContext context, Path etc, Duration patience) {
        if (etc == null || !frameworkActive(context) || !fileInstallRuns(context)) {
            return true; // nothing to wait for; or the framework is stopping already (end of the console), so the
                         // watcher is going, and waiting would let the launcher see the stop before this run's code
        }
        String name = "fileinstall-" + etc.toAbsolutePath().normalize();
        Instant deadline = Instant.now().plus(patience);
        while (Thread.getAllStackTraces().keySet().stream().noneMatch(thread -> name.equals(thread.getName()))) {
            if (Instant.now().isAfter(deadline)) {
                return false;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private static boolean frameworkActive(BundleContext context) {
        try {
            return context.getBundle(0).getState() == Bundle.ACTIVE;
        } catch (IllegalStateException stopping) {
            return false;
        }
    }

    private static boolean fileInstallRuns(BundleContext context) {
        try {
            for (Bundle bundle : context.getBundles()) {
                if (FILEINSTALL.equals(bundle.getSymbolicName()) && bundle.getState() == Bundle.ACTIVE) {
                    return true;
                }
            }
        } catch (IllegalStateException stopping) {
            // this bundle is stopping: nothing to wait for
        }
        return false;
    }
}
