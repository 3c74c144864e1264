package shm.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;
import static shm.api.rtx.RtxConstants.PAGE_READWRITE;
import static shm.api.rtx.RtxConstants.SHM_MAP_WRITE;

import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;

import org.junit.Test;
import org.osgi.framework.Constants;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import shm.api.rtx.RtxResult;
import shm.api.rtx.RtxSharedMemory;
import shm.api.spi.ShmBackend;
import shm.testkit.Await;

/**
 * A configuration change of the mmap backend in the running framework (issue 10) keeps every client handle: a new
 * setting over the same root makes a new backend instance that takes the handles over (the neutral service's handles
 * move, RTX handle values stay valid), a ranking change only changes service properties, and going back to the first
 * configuration moves them again. The child process and the C peer count into the shared object all along
 * ({@link SwapRig}): no write is lost, the framework-only object's bytes are intact.
 */
public class ProviderConfigurationIT extends ShmTestBase {

    @Test
    public void configurationChangesOfTheProviderKeepEveryHandle() throws Exception {
        ConfigurationAdmin admin = services.await(ConfigurationAdmin.class, null, Await.DEADLINE);
        Configuration configuration = admin.listConfigurations("(service.pid=" + ShmFramework.MMAP_PID + ")")[0];
        Dictionary<String, Object> original = configuration.getProperties();
        RtxSharedMemory rtx = services.await(RtxSharedMemory.class, null, Await.DEADLINE);
        RtxResult held = rtx.RtCreateSharedMemory(PAGE_READWRITE, 0, 4096, "itest.config.rtx");
        held.location().setString(0, "held by RTX across configuration changes");
        try (SwapRig rig = SwapRig.start(services.shm(), root)) {
            rig.check("start");
            long before = backendServiceId();
            configuration.update(with(original, "maxMappings", 16_000));
            Await.until("a new mmap backend instance over the same root serves",
                    () -> backendServiceId() != before);
            rig.awaitMoved("maxMappings changed");
            rig.check("maxMappings changed: a new backend instance over the same root");
            long instance = backendServiceId();
            configuration.update(with(configuration.getProperties(), Constants.SERVICE_RANKING, 7));
            Await.until("the ranking is published", () -> Integer.valueOf(7).equals(services.references(
                    ShmBackend.class, Services.MMAP).get(0).getProperty(Constants.SERVICE_RANKING)));
            assertEquals("a ranking change keeps the instance", instance, backendServiceId());
            rig.check("ranking changed: service properties only");
            configuration.update(original);
            Await.until("the first configuration's instance serves", () -> backendServiceId() != instance);
            rig.awaitMoved("back to the first configuration");
            rig.check("back to the first configuration");
            rig.finish();
        }
        Await.until("the RTX handle names its object on the current backend", () -> {
            RtxResult again = rtx.RtOpenSharedMemory(SHM_MAP_WRITE, false, "itest.config.rtx");
            if (!again.succeeded()) {
                return false;
            }
            assertEquals("held by RTX across configuration changes", again.location().getString(0));
            assertTrue(rtx.RtCloseHandle(again.handle()));
            return true;
        });
        assertTrue("the value stayed valid", rtx.RtCloseHandle(held.handle()));
        assertEquals("its close was the last hold", List.of(), root.objectFiles());
    }

    private long backendServiceId() {
        return (Long) services.references(ShmBackend.class, Services.MMAP).get(0).getProperty(Constants.SERVICE_ID);
    }

    private static Dictionary<String, Object> with(Dictionary<String, Object> properties, String key, Object value) {
        Dictionary<String, Object> changed = new Hashtable<>();
        for (var keys = properties.keys(); keys.hasMoreElements();) {
            String k = keys.nextElement();
            changed.put(k, properties.get(k));
        }
        changed.put(key, value);
        return changed;
    }
}
