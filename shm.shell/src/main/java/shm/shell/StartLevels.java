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
        FrameworkStartLevel framework = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION)
                .adapt(FrameworkStartLevel.class);
        if (framework.getStartLevel() < level) {
            framework.setStartLevel(level);
        }
    }

    /**
     * Raises the framework's start level to {@code level} as {@link #raise} does, and waits until the framework
     * reached it (every bundle of the levels in between was started) or the deadline passed.
     *
     * @return whether the level was reached
     */
    static boolean raiseAndWait(BundleContext context, int level, Instant deadline) throws InterruptedException {
        if (level <= 0) {
            return true;
        }
        FrameworkStartLevel framework = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION)
                .adapt(FrameworkStartLevel.class);
        if (framework.getStartLevel() >= level) {
            return true;
        }
        CountDownLatch reached = new CountDownLatch(1);
        framework.setStartLevel(level, event -> {
            if (event.getType() == FrameworkEvent.STARTLEVEL_CHANGED) {
                reached.countDown();
            }
        });
        long millis = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
        return reached.await(millis, TimeUnit.MILLISECONDS) || framework.getStartLevel() >= level;
    }
}
