package shm.bench.startup;

import java.util.Hashtable;
import java.util.concurrent.Callable;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleActivator;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;

/**
 * The "first answer" of the start-up baselines (bare Felix, Felix with the infrastructure bundles), which have no
 * shell: a bundle whose activator gives the bnd launcher a {@code main.thread} callable, as shm.shell's entry point
 * does. The launcher runs it on its main thread; it waits until the framework has started (every bundle of the start
 * level started), prints one line, and answers exit code 0, after which the launcher stops the framework and the
 * process ends. Built by {@code shm.bench/run.sh} into the variant jars; not part of the platform.
 */
public final class FirstAnswer implements BundleActivator {

    private ServiceRegistration<?> registration;

    @Override
    public void start(BundleContext context) {
        registration = register(context);
    }

    /** Registers the launcher's {@code main.thread} callable for {@code context}'s bundle. */
    static ServiceRegistration<?> register(BundleContext context) {
        Hashtable<String, Object> properties = new Hashtable<>();
        properties.put("main.thread", "true");
        return context.registerService(Callable.class, new Answer(context), properties);
    }

    /** A named class: the launcher reads the callable's type argument, which a lambda does not carry. */
    static final class Answer implements Callable<Integer> {
        private final BundleContext context;

        Answer(BundleContext context) {
            this.context = context;
        }

        @Override
        public Integer call() throws InterruptedException {
            Bundle system = context.getBundle(0);
            while (system.getState() != Bundle.ACTIVE) {
                Thread.sleep(1);
            }
            System.out.println("started " + context.getBundles().length + " bundles");
            System.out.flush();
            return 0;
        }
    }

    @Override
    public void stop(BundleContext context) {
        registration.unregister();
    }
}
