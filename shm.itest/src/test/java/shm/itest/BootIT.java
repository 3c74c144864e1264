package shm.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.inject.Inject;

import org.junit.Test;
import org.osgi.framework.Bundle;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import shm.api.SharedMemoryService;
import shm.api.spi.ShmBackend;
import shm.testkit.Await;

/** The framework boots with the real bundles, and the platform's services appear, configured for the test root. */
public class BootIT extends ShmTestBase {

    /** Injected by Pax Exam once registered; its arrival ends the measured boot. */
    @Inject
    private SharedMemoryService injected;

    /** Both services are registered, the backend is the mmap one, and it works in the configured root. */
    @Test
    public void servicesAreRegisteredAndConfigured() throws Exception {
        long bootMillis = (System.nanoTime() - Long.parseLong(context.getProperty(ShmFramework.CONFIGURED_NANOS)))
                / 1_000_000;
        System.out.println("Pax Exam boot to injected SharedMemoryService: " + bootMillis + " ms");
        assertNotNull(injected);

        ShmBackend backend = services.mmap();
        assertEquals("mmap", backend.type());
        assertEquals(1, services.references(ShmBackend.class, Services.MMAP).size());
        assertEquals(1, services.references(SharedMemoryService.class, null).size());
        for (String name : List.of(Bundles.PROVIDER_MMAP, Bundles.CORE, "shm.api")) {
            Bundle bundle = Bundles.named(context, name);
            assertEquals(name + " is " + Bundles.state(bundle), Bundle.ACTIVE, bundle.getState());
        }

        ConfigurationAdmin configAdmin = services.await(ConfigurationAdmin.class, null, Await.DEADLINE);
        Configuration[] configurations =
                configAdmin.listConfigurations("(service.pid=" + ShmFramework.MMAP_PID + ")");
        assertNotNull("no configuration " + ShmFramework.MMAP_PID, configurations);
        assertEquals(root.path().toString(), configurations[0].getProperties().get("root"));

        assertTrue("the backend did not create its configured root " + root.path(), Files.isDirectory(root.path()));
        assertEquals(List.of(), root.objectFiles());
        Path fallback = Path.of(context.getProperty(ShmFramework.FALLBACK_ROOT));
        assertFalse("the backend ran without its configuration, in " + fallback, Files.exists(fallback));
        assertTrue(injected.list().isEmpty());
    }
}
