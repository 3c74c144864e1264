package shm.shell;

import java.util.Objects;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.launch.Framework;
import org.osgi.service.log.Logger;

/**
 * A JVM shutdown hook that stops the framework and waits for it (up to {@value #STOP_PATIENCE_SECONDS} s), so that
 * SIGTERM, SIGINT outside the console and {@code System.exit} (Gogo's {@code exit}) deactivate every component,
 * which closes every handle and releases this process's holds instead of leaving them to the reaper.
 */
final class FrameworkShutdown implements Runnable {

    /** How long the hook waits for the framework to stop. */
    static final long STOP_PATIENCE_SECONDS = 20;

    private final BundleContext context;
    private final Logger logger;
    private final Thread hook;

    private FrameworkShutdown(BundleContext context, Logger logger) {
        this.context = context;
        this.logger = logger;
        this.hook = new Thread(this, "shm framework shutdown");
    }

    /** Registers the hook of the framework {@code context} belongs to. */
    static FrameworkShutdown register(BundleContext context, Logger logger) {
        FrameworkShutdown shutdown = new FrameworkShutdown(Objects.requireNonNull(context, "context"),
                Objects.requireNonNull(logger, "logger"));
        Runtime.getRuntime().addShutdownHook(shutdown.hook);
        return shutdown;
    }

    /** Stops the framework and waits for it to stop. */
    @Override
    public void run() {
        try {
            if (context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION) instanceof Framework framework) {
                logger.info("the JVM is shutting down: stopping the framework, which releases this process's holds");
                framework.stop();
                framework.waitForStop(TimeUnit.SECONDS.toMillis(STOP_PATIENCE_SECONDS));
            }
        } catch (BundleException | IllegalStateException | InterruptedException notStopped) {
            // The framework is already stopping or gone; nothing more can be done while the JVM exits.
        }
    }

    /** Removes the hook (the framework stops by itself); does nothing while the JVM already shuts down. */
    void withdraw() {
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running or about to: it stops the framework that is already stopping.
        }
    }
}
