package shm.shell;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.startlevel.FrameworkStartLevel;

/** Raises the framework's start level, never lowers it. */
final class StartLevels {

    private StartLevels() {
    }

    /** Raises the framework's start level to {@code level}; does nothing for 0 or when it is already there. */
    static void raise(BundleContext context, int level) {
        if (level <= 0) {
            return;
        }
        FrameworkStartLevel framework = framework(context);
        if (framework.getStartLevel() < level) {
            framework.setStartLevel(level);
        }
    }

    /**
     * Raises the framework's start level to {@code level} and waits, up to {@code deadline}, until the framework has
     * started every bundle of the levels on the way (its {@link FrameworkEvent#STARTLEVEL_CHANGED}): the backends,
     * the neutral service and the personalities of one level start in bundle order, and the shm commands appear as
     * soon as the neutral service does, so a command run before the level is reached would be served by whichever
     * backend happened to start first (the mmap backend before a vendor backend ranked above it).
     *
     * @return whether the level was reached before the deadline (also when there was nothing to do)
     * @throws InterruptedException when the waiting thread is interrupted
     */
    static boolean raiseAndAwait(BundleContext context, int level, Instant deadline) throws InterruptedException {
        if (level <= 0) {
            return true;
        }
        FrameworkStartLevel framework = framework(context);
        if (framework.getStartLevel() >= level) {
            return true;
        }
        CountDownLatch reached = new CountDownLatch(1);
        framework.setStartLevel(level, event -> {
            if (event.getType() == FrameworkEvent.STARTLEVEL_CHANGED || event.getType() == FrameworkEvent.ERROR) {
                reached.countDown();
            }
        });
        long left = Math.max(0, Duration.between(Instant.now(), deadline).toNanos());
        return reached.await(left, TimeUnit.NANOSECONDS) && framework.getStartLevel() >= level;
    }

    private static FrameworkStartLevel framework(BundleContext context) {
        return context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkStartLevel.class);
    }
}
