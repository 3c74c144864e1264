package shm.itest;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.Test;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;

import shm.api.MappingEvent;
import shm.api.SharedMemory;
import shm.api.SharedMemoryService;
import shm.api.spi.ShmBackend;
import shm.testkit.Await;

/**
 * A higher-ranked backend appearing and leaving again: open handles move to it and back make-before-break, keep
 * their bytes and their object (the same file, never unlinked), and their listeners hear each move.
 */
public class BackendSwapIT extends ShmTestBase {

    private static final long SIZE = 3 * 4096;

    /** Handles follow the best backend there and back without losing a byte or the object. */
    @Test
    public void handlesMoveToABetterBackendAndBack() throws IOException {
        SharedMemoryService shm = services.shm();
        ShmBackend mmap = services.mmap();
        List<MappingEvent> events = new CopyOnWriteArrayList<>();
        try (SharedMemory handle = shm.createOrOpen("itest.swap", SIZE);
             // Held open so that the inode cannot be reused: an equal inode later means the very same file.
             FileChannel pin = FileChannel.open(root.path().resolve(root.objectFiles().getFirst()))) {
            handle.addMappingListener(events::add);
            MemorySegment beforeSwap = handle.segment();
            beforeSwap.set(JAVA_LONG, 0, 0xCAFE_F00DL);
            beforeSwap.set(JAVA_LONG, SIZE - 8, 0xBEEFL);
            Path file = root.path().resolve(root.objectFiles().getFirst());
            Object inode = Files.getAttribute(file, "unix:ino");
            assertTrue(pin.isOpen());

            Dictionary<String, Object> properties = ranked(RelayBackend.TYPE, 100);
            // The relay serves the mmap backend's store, so handles may move to it without forking their objects.
            properties.put(ShmBackend.NAMESPACE_PROPERTY, services.references(ShmBackend.class, Services.MMAP)
                    .getFirst().getProperty(ShmBackend.NAMESPACE_PROPERTY));
            ServiceRegistration<ShmBackend> relay = context.registerService(ShmBackend.class,
                    RelayBackend.relayingTo(mmap), properties);
            try {
                awaitEvents(events, 1);
                assertEquals(new MappingEvent(handle, MappingEvent.Kind.REMAPPED, "mmap", RelayBackend.TYPE),
                        events.getFirst());
                assertTrue(handle.isOpen());
                assertThrows(IllegalStateException.class, () -> beforeSwap.get(JAVA_LONG, 0));
                assertKeptBytesAndObject(handle, file, inode);
            } finally {
                relay.unregister();
            }

            awaitEvents(events, 2);
            assertEquals(new MappingEvent(handle, MappingEvent.Kind.REMAPPED, RelayBackend.TYPE, "mmap"),
                    events.get(1));
            assertKeptBytesAndObject(handle, file, inode);
            assertEquals(1, shm.info("itest.swap").orElseThrow().handleCount());
        }
        assertEquals(List.of(), root.objectFiles());
        assertEquals(List.of(), ProcMaps.objectsUnder(root.path()));
    }

    private static void assertKeptBytesAndObject(SharedMemory handle, Path file, Object inode) throws IOException {
        MemorySegment segment = handle.segment();
        assertEquals(SIZE, segment.byteSize());
        assertEquals(0xCAFE_F00DL, segment.get(JAVA_LONG, 0));
        assertEquals(0xBEEFL, segment.get(JAVA_LONG, SIZE - 8));
        assertEquals("the object was never destroyed on the way", inode, Files.getAttribute(file, "unix:ino"));
    }

    private static void awaitEvents(List<MappingEvent> events, int count) {
        Await.until(() -> count + " mapping events expected, heard " + events, Await.DEADLINE,
                () -> events.size() >= count);
        assertEquals(events.toString(), count, events.size());
    }

    private static Dictionary<String, Object> ranked(String type, int ranking) {
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put(ShmBackend.TYPE_PROPERTY, type);
        properties.put(Constants.SERVICE_RANKING, ranking);
        return properties;
    }
}
