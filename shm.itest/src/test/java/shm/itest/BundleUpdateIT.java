package shm.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.After;
import org.junit.Test;
import org.osgi.framework.Bundle;

import shm.api.MappingEvent;
import shm.api.SharedMemory;
import shm.api.SharedMemoryService;
import shm.api.spi.ShmBackend;

/**
 * {@link Bundle#update()} of a platform bundle in the running framework, with handles open: nothing is lost. The
 * backend's holds are parked at its stop and taken over by the new revision (the same files, never unlinked); the
 * neutral service's handles find the new revision of the service (named objects by name, unnamed ones by their
 * reference in their store). Until issue 10 both updates closed every handle
 * and deleted every object only this JVM held.
 */
public class BundleUpdateIT extends ShmTestBase {

    /** Updating the backend bundle keeps every handle, object and byte; the objects are never unlinked. */
    @Test
    public void updateOfTheBackend() throws Exception {
        SharedMemoryService shm = services.shm();
        long backendId = services.ids(ShmBackend.class, Services.MMAP).getFirst();
        List<String> before = root.objectFiles();
        Workload workload = Workload.open(shm, "itest.update.provider");
        List<String> files = root.objectFiles();
        Bundle provider = Bundles.named(context, Bundles.PROVIDER_MMAP);

        try (StopSnapshot snapshot = StopSnapshot.watch(context, provider, root)) {
            provider.update();
            assertEquals("every object file stays at the stop (holds parked)", files,
                    snapshot.leftovers().objectFiles());
            assertEquals("no mapping stays at the stop", List.of(), snapshot.leftovers().objectMappings());
        }

        assertEquals(Bundles.state(provider), Bundle.ACTIVE, provider.getState());
        workload.assertKept(workload.handles());
        assertEquals("the same files", files, root.objectFiles());
        services.mmap();
        assertNotEquals("a backend of the new revision", backendId,
                (long) services.ids(ShmBackend.class, Services.MMAP).getFirst());
        assertEquals("holds taken over, none added", 2, shm.info("itest.update.provider.a").orElseThrow()
                .handleCount());
        workload.closeAll();
        assertEquals("the last close still destroys", before, root.objectFiles());
        assertWorks(services.shm(), "itest.update.provider.after");
    }

    /**
     * Updating the service bundle keeps every handle: a handle to a named object finds it by name in the new revision
     * of the service (through the service registry), a handle to an unnamed object by its reference in its store
     * (SPI 1.3, {@code ReferenceOpening}); listeners hear REMAPPED, never LOST.
     */
    @Test
    public void updateOfTheCore() throws Exception {
        SharedMemoryService shm = services.shm();
        long serviceId = services.ids(SharedMemoryService.class, null).getFirst();
        Workload workload = Workload.open(shm, "itest.update.core");
        List<MappingEvent> unnamedEvents = new CopyOnWriteArrayList<>();
        workload.unnamed().addMappingListener(unnamedEvents::add);
        List<String> files = root.objectFiles();
        Bundle core = Bundles.named(context, Bundles.CORE);

        try (StopSnapshot snapshot = StopSnapshot.watch(context, core, root)) {
            core.update();
            assertEquals("every object file stays at the stop, the unnamed one's too", files,
                    snapshot.leftovers().objectFiles());
        }

        workload.assertKept(workload.handles());
        assertTrue(workload.unnamed().isOpen());
        assertEquals("the unnamed object was found again: " + unnamedEvents, List.of(MappingEvent.Kind.REMAPPED),
                unnamedEvents.stream().map(MappingEvent::kind).distinct().toList());
        SharedMemoryService updated = services.shm();
        assertNotEquals("a service of the new revision", serviceId,
                (long) services.ids(SharedMemoryService.class, null).getFirst());
        assertEquals(2, updated.info("itest.update.core.a").orElseThrow().handleCount());
        workload.closeAll();
        assertTrue(updated.info("itest.update.core.a").isEmpty());
        assertEquals("the last closes destroyed every object, the unnamed one too", List.of(), root.objectFiles());
        assertWorks(updated, "itest.update.core.after");
    }

    /**
     * Issue 10: after an update of the service bundle, an orphaned handle takes its parked hold back only at its next
     * call. Another client that opens and closes the object before that (here the test bundle through the new
     * revision, as the shell or a gateway bundle would) adds and releases a hold of its own: the object, whose only
     * other hold is parked, keeps its file and bytes, and the orphan finds it. Before SPI 1.5 that open took the
     * parked hold over and its close destroyed the object.
     */
    @Test
    public void anotherClientsOpenAndCloseBeforeAnOrphanComesBackDestroysNothing() throws Exception {
        String name = "itest.update.core.alone";
        SharedMemory orphan = services.shm().createOrOpen(name, 4096);
        orphan.segment().setString(0, "only the orphan holds me");
        Object inode = root.inode(name);
        Bundle core = Bundles.named(context, Bundles.CORE);

        core.update();

        SharedMemoryService next = services.shm();
        for (int i = 0; i < 3; i++) {
            try (SharedMemory bystander = next.open(name)) {
                assertEquals("only the orphan holds me", bystander.segment().getString(0));
                assertEquals("a hold of its own beside the parked one", 2,
                        next.info(name).orElseThrow().handleCount());
            }
            assertEquals("the bystander's close was not the last", 1, next.info(name).orElseThrow().handleCount());
            assertEquals(inode, root.inode(name));
        }
        assertEquals("the orphan's hold is still parked", 1, services.mmap().parkedHolds().stream()
                .filter(p -> name.equals(p.name())).count());

        assertEquals("only the orphan holds me", orphan.segment().getString(0));
        assertEquals("the orphan took its own parked hold back", 0, services.mmap().parkedHolds().stream()
                .filter(p -> name.equals(p.name())).count());
        assertEquals(1, next.info(name).orElseThrow().handleCount());
        orphan.close();
        assertTrue("the orphan's close was the last", next.info(name).isEmpty());
    }

    /**
     * A client bundle updated while it holds an object: its handles are parked when it stops, and its next revision,
     * opening the same name through its own new instance of the service, takes the parked hold back, so the object ends
     * with that revision's last close instead of lingering until the park deadline. Another bundle's open and close
     * meanwhile destroys nothing.
     */
    @Test
    public void aClientBundleUpdatedTakesBackItsParkedHoldInItsNextRevision() throws Exception {
        String name = "itest.update.client.kept";
        Bundle client = context.installBundle("itest:client", clientJar("1.0.0"));
        try {
            client.start();
            SharedMemory held = serviceOf(client).createOrOpen(name, 4096);
            held.segment().setString(0, "held by the client's first revision");

            client.update(clientJar("1.0.1"));

            assertEquals("the client's hold is parked", 1, parkedOf(name));
            try (SharedMemory bystander = services.shm().open(name)) {
                assertEquals("held by the client's first revision", bystander.segment().getString(0));
            }
            assertEquals("the bystander took nothing", 1, parkedOf(name));
            SharedMemory again = serviceOf(client).open(name);
            assertEquals("held by the client's first revision", again.segment().getString(0));
            assertEquals("the next revision took its parked hold back", 0, parkedOf(name));
            assertEquals(1, services.shm().info(name).orElseThrow().handleCount());
            again.close();
            assertTrue("the next revision's close was the last", services.shm().info(name).isEmpty());
        } finally {
            client.uninstall();
        }
    }

    /** The service instance of {@code client} (the neutral service is bundle-scoped: one instance per client). */
    private static SharedMemoryService serviceOf(Bundle client) {
        org.osgi.framework.BundleContext clientContext = client.getBundleContext();
        return clientContext.getService(clientContext.getServiceReference(SharedMemoryService.class));
    }

    private long parkedOf(String name) {
        return services.mmap().parkedHolds().stream().filter(p -> name.equals(p.name())).count();
    }

    /** A bundle with no code of its own, at {@code version}: a client whose update the test drives. */
    private static java.io.InputStream clientJar(String version) throws java.io.IOException {
        java.util.jar.Manifest manifest = new java.util.jar.Manifest();
        java.util.jar.Attributes main = manifest.getMainAttributes();
        main.put(java.util.jar.Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", "itest.client");
        main.putValue("Bundle-Version", version);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        new java.util.jar.JarOutputStream(bytes, manifest).close();
        return new java.io.ByteArrayInputStream(bytes.toByteArray());
    }

    /** A new object can be created, shared through a second handle and is destroyed by its last close. */
    private static void assertWorks(SharedMemoryService shm, String name) {
        try (SharedMemory created = shm.createOrOpen(name, 4096); SharedMemory opened = shm.open(name)) {
            assertFalse(created.alreadyExisted());
            created.segment().set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, 99L);
            assertEquals(99L, opened.segment().get(java.lang.foreign.ValueLayout.JAVA_LONG, 0));
        }
        assertTrue(shm.info(name).isEmpty());
    }

    /** Leaves the platform running for the next test, whatever this one did. */
    @After
    public void restartStoppedBundles() throws Exception {
        Bundles.startIfStopped(context, Bundles.PROVIDER_MMAP, Bundles.CORE);
    }
}
