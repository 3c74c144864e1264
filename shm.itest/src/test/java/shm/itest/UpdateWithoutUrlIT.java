package shm.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.InputStream;
import java.net.MalformedURLException;
import java.nio.file.Files;

import org.junit.Test;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleException;
import org.osgi.framework.startlevel.BundleStartLevel;

import shm.testkit.Await;

/**
 * What Gogo's {@code update <id>} without a URL does to a bundle of the runtime jar (issue 10): those bundles are
 * installed from a location inside the jar ({@code jar/<name>.jar}), which is no URL, so {@link Bundle#update()} fails
 * with {@link MalformedURLException}, and Felix stops and starts the bundle on the way. Nothing is lost by it: the
 * backend's holds are parked at the stop and taken over at the start, the child process and the C peer keep
 * counting, the framework's handles read on ({@link SwapRig}). The runtime's README says to give the URL.
 */
public class UpdateWithoutUrlIT extends ShmTestBase {

    @Test
    public void anUpdateWithoutAUrlOfABundleFromInsideTheJarFailsAndLosesNothing() throws Exception {
        try (SwapRig rig = SwapRig.start(services.shm(), root)) {
            rig.check("start");
            Bundle original = Bundles.named(context, Bundles.PROVIDER_MMAP);
            original.uninstall(); // its holds parked; the handles wait for the next backend of their store
            Bundle inJar;
            try (InputStream jar = Files.newInputStream(ShmFramework.jarOf(Bundles.PROVIDER_MMAP))) {
                inJar = context.installBundle("jar/" + Bundles.PROVIDER_MMAP + ".jar", jar);
            }
            inJar.adapt(BundleStartLevel.class).setStartLevel(1);
            inJar.start();
            rig.check("installed again from a location inside a jar, as the runtime installs it");

            BundleException refused = assertThrows(BundleException.class, inJar::update);
            assertTrue("the cause names the location that is no URL: " + refused, causedByMalformedUrl(refused));
            Await.until("Felix started the bundle again", () -> inJar.getState() == Bundle.ACTIVE);
            rig.check("after update without a URL");
            rig.finish();
            assertEquals(Bundle.ACTIVE, inJar.getState());
        }
    }

    private static boolean causedByMalformedUrl(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof MalformedURLException) {
                return true;
            }
        }
        return false;
    }
}
