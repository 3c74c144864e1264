package shm.shell;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
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
}
