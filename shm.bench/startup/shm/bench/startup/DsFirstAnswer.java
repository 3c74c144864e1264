package shm.bench.startup;

import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * The same first answer as {@link FirstAnswer}, given by one immediate Declarative Services component instead of a
 * bundle activator ({@code OSGI-INF/first-answer.xml}): started beside the infrastructure bundles, it measures what
 * SCR's first component of a bundle costs a start, the least any bundle built with DS components adds. Built by
 * {@code shm.bench/run.sh}; not part of the platform.
 */
public final class DsFirstAnswer {

    private ServiceRegistration<?> registration;

    /** SCR's constructor. */
    public DsFirstAnswer() {
    }

    void activate(BundleContext context) {
        registration = FirstAnswer.register(context);
    }

    void deactivate() {
        registration.unregister();
    }
}
