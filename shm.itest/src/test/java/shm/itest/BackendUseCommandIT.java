package shm.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Dictionary;
import java.util.Hashtable;

import org.junit.Test;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

import shm.api.SharedMemory;
import shm.api.spi.ShmBackend;
import shm.testkit.Await;

/**
 * {@code shm:use} in a running framework, with a second backend type whose only backend serves another store (a
 * relay of the mmap backend under a namespace of its own): pinning the neutral service to that type would take away
 * the backend of the store its handle lives in (the handle would be parked and, at the deadline, released), so the
 * shell's command refuses it without {@code --force}, changes no configuration, and the handle keeps its bytes; once
 * the handle is closed, {@code --force} pins the service as asked, and {@code *} unpins it.
 */
public class BackendUseCommandIT extends ShmTestBase {

    private static final String CORE_PID = "shm.core";
    private static final String ELSEWHERE = "itest-relay:elsewhere";

    @Test
    public void aPinThatWouldLeaveTheNeutralServicesStoreNeedsTheForce() throws Exception {
        ConfigurationAdmin admin = services.await(ConfigurationAdmin.class, null, Await.DEADLINE);
        Object mmapStore = services.references(ShmBackend.class, Services.MMAP).getFirst()
                .getProperty(ShmBackend.NAMESPACE_PROPERTY);
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(ShmBackend.TYPE_PROPERTY, RelayBackend.TYPE);
        properties.put(ShmBackend.NAMESPACE_PROPERTY, ELSEWHERE);
        properties.put(Constants.SERVICE_RANKING, -10);
        ServiceRegistration<ShmBackend> relay = context.registerService(ShmBackend.class,
                RelayBackend.relayingTo(services.mmap()), properties);
        try {
            Object before = target(admin);
            try (SharedMemory handle = services.shm().createOrOpen("itest.use", 4096)) {
                handle.segment().setString(0, "kept");
                InvocationTargetException refused = assertThrows(InvocationTargetException.class,
                        () -> use(false, RelayBackend.TYPE));
                assertEquals("no backend of type '" + RelayBackend.TYPE + "' serves " + mmapStore + ", where the"
                        + " neutral service is bound now: any handles it holds there would be parked and released"
                        + " after 120 s; close them first, or repeat with --force (shm:backends lists the bindings)",
                        refused.getCause().getMessage());
                assertEquals("no configuration changed", before, target(admin));
                assertEquals("kept", handle.segment().getString(0));
            }

            use(true, RelayBackend.TYPE);
            assertEquals("(" + ShmBackend.TYPE_PROPERTY + "=" + RelayBackend.TYPE + ")", target(admin));
        } finally {
            // the relay first: until the unpin reaches the neutral service (Configuration Admin delivers it on a
            // thread of its own) no backend serves it, and a call waits for one (the swap wait) instead of landing on
            // a relay that is about to go
            relay.unregister();
            use(false, "*");
        }
        assertEquals("(" + ShmBackend.TYPE_PROPERTY + "=*)", target(admin));
        try (SharedMemory again = services.shm().createOrOpen("itest.use.after", 4096)) {
            assertEquals(4096, again.segment().byteSize());
        }
    }

    private static Object target(ConfigurationAdmin admin) throws Exception {
        Configuration[] found = admin.listConfigurations("(" + Constants.SERVICE_PID + "=" + CORE_PID + ")");
        return found == null || found[0].getProperties() == null ? null
                : found[0].getProperties().get("backend.target");
    }

    /** Calls the shell's {@code shm:use} as Gogo calls it, on the command service registered now. */
    private void use(boolean force, String type) throws Exception {
        ServiceReference<?>[] found = new ServiceReference<?>[1];
        Await.until("the shm:use command is registered", () -> {
            try {
                ServiceReference<?>[] registered = context.getServiceReferences((String) null,
                        "(&(osgi.command.scope=shm)(osgi.command.function=use))");
                found[0] = registered == null ? null : registered[0];
                return found[0] != null;
            } catch (InvalidSyntaxException impossible) {
                throw new IllegalStateException(impossible);
            }
        });
        ServiceReference<?> reference = found[0];
        Object commands = context.getService(reference);
        try {
            Method use = commands.getClass().getMethod("use", boolean.class, String.class);
            use.invoke(commands, force, type);
        } finally {
            context.ungetService(reference);
        }
    }
}
