package shm.itest;

import java.util.Arrays;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;

/** The bundles of the platform under test, by symbolic name. */
final class Bundles {

    /** The mmap backend bundle. */
    static final String PROVIDER_MMAP = "shm.provider.mmap";
    /** The neutral service bundle. */
    static final String CORE = "shm.core";
    /** The RTX personality bundle. */
    static final String PERSONALITY_RTX = "shm.personality.rtx";
    /** The INtime personality bundle. */
    static final String PERSONALITY_INTIME = "shm.personality.intime";
    /** The operator's shell (Gogo commands). */
    static final String SHELL = "shm.shell";
    /** The NTX personality bundle. */
    static final String PERSONALITY_NTX = "shm.personality.ntx";

    private Bundles() {
    }

    /**
     * The installed bundle with that symbolic name.
     *
     * @throws AssertionError when none or several are installed
     */
    static Bundle named(BundleContext context, String symbolicName) {
        Bundle[] found = Arrays.stream(context.getBundles())
                .filter(b -> symbolicName.equals(b.getSymbolicName()))
                .toArray(Bundle[]::new);
        if (found.length != 1) {
            throw new AssertionError(found.length + " bundles named " + symbolicName + " are installed");
        }
        return found[0];
    }

    /** Starts those of the named bundles that are not active, so that a failed test leaves the platform running. */
    static void startIfStopped(BundleContext context, String... symbolicNames) throws BundleException {
        for (String name : symbolicNames) {
            Bundle bundle = named(context, name);
            if (bundle.getState() != Bundle.ACTIVE) {
                bundle.start();
            }
        }
    }

    /** A bundle state as a word, for messages. */
    static String state(Bundle bundle) {
        return switch (bundle.getState()) {
            case Bundle.UNINSTALLED -> "UNINSTALLED";
            case Bundle.INSTALLED -> "INSTALLED";
            case Bundle.RESOLVED -> "RESOLVED";
            case Bundle.STARTING -> "STARTING";
            case Bundle.STOPPING -> "STOPPING";
            case Bundle.ACTIVE -> "ACTIVE";
            default -> "state " + bundle.getState();
        };
    }
}
