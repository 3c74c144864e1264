package shm.itest;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.FrameworkWiring;
import shm.testkit.Await;

/**
 * The operator's lifecycle commands on one bundle, as Gogo's {@code update}, {@code stop}/{@code start} and
 * {@code refresh} run them: an update alternates between the bundle's original jar and a second version built by the
 * test ({@link BundleRevisions}), so every update installs a genuinely different {@code Bundle-Version}.
 */
final class Lifecycle {

    private final BundleContext context;
    private final String symbolicName;
    private final Path original;
    private final Path second;
    private int updates;

    Lifecycle(BundleContext context, String symbolicName) {
        this.context = context;
        this.symbolicName = symbolicName;
        this.original = ShmFramework.jarOf(symbolicName);
        this.second = BundleRevisions.withQualifier(symbolicName, "swap2");
    }

    /** The bundle now. */
    Bundle bundle() {
        return Bundles.named(context, symbolicName);
    }

    /** Updates to the other version; returns the version installed. */
    String update() throws BundleException {
        Path jar = updates++ % 2 == 0 ? second : original;
        bundle().update(BundleRevisions.open(jar));
        return bundle().getVersion().toString();
    }

    /** Stops and starts the bundle. */
    void restart() throws BundleException {
        bundle().stop();
        bundle().start();
    }

    /** Refreshes the bundle (and what is wired to it), waiting until the framework says it is done. */
    void refresh() throws InterruptedException {
        CountDownLatch done = new CountDownLatch(1);
        context.getBundle(0).adapt(FrameworkWiring.class).refreshBundles(List.of(bundle()), event -> {
            if (event.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                done.countDown();
            }
        });
        if (!done.await(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS)) {
            throw new AssertionError("the refresh of " + symbolicName + " did not finish");
        }
    }
}
