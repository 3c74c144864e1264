package shm.itest;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.atomic.AtomicIntegerArray;

import shm.api.MapOptions;
import shm.api.MappingEvent;
import shm.api.SharedMemory;
import shm.api.SharedMemoryService;
import shm.testkit.CExample;
import shm.testkit.LineProcess;
import shm.testkit.Await;

/**
 * What every hot-swap step is checked against: a child process (a JVM over the mmap library, {@link CounterChild})
 * writing an increasing counter into an object that it and the framework both hold, the C peer
 * ({@code examples/c/shm_peer.c}, step {@code count 8}) writing its own counter 8 bytes further into the same object, and a second object held by the
 * framework only, filled with a known pattern. {@link #check} after each step: both objects are the very same files
 * (same inodes), the framework's handle reads the child's current counter (it keeps growing), no value went back, and
 * the framework-only bytes are intact, also through a second handle of that object that shares the first one's
 * mapping and hold ({@link MapOptions#shareMapping()}): its parks and moves must keep the object alive too.
 * {@link #finish}: the last value the child wrote is what the framework reads.
 */
final class SwapRig implements AutoCloseable {

    static final String SHARED = "itest.hot.counter";
    static final String OWN = "itest.hot.own";
    private static final long OWN_SIZE = 64 * 1024;

    private final RootDir root;
    private final LineProcess child;
    /** The C peer ({@code examples/c/shm_peer.c}) counting at offset 8 of the same object. */
    private final LineProcess cPeer;
    private final SharedMemory shared;
    private final SharedMemory own;
    /** A second handle of the framework-only object, sharing the first one's mapping and hold. */
    private final SharedMemory ownJoined;
    /** The REMAPPED events each handle (shared, own, own joined) heard. */
    private final AtomicIntegerArray remaps = new AtomicIntegerArray(3);
    /** How many of them each had heard when {@link #awaitMoved} last returned. */
    private final int[] remapsAwaited = new int[3];
    private final Object sharedInode;
    private final Object ownInode;
    private long lastSeen;
    private long lastSeenC;

    private SwapRig(RootDir root, LineProcess child, LineProcess cPeer, SharedMemory shared, SharedMemory own,
                    SharedMemory ownJoined) {
        this.root = root;
        this.child = child;
        this.cPeer = cPeer;
        this.shared = shared;
        this.own = own;
        this.ownJoined = ownJoined;
        List<SharedMemory> handles = List.of(shared, own, ownJoined);
        for (int i = 0; i < handles.size(); i++) {
            int index = i;
            handles.get(i).addMappingListener(event -> {
                if (event.kind() == MappingEvent.Kind.REMAPPED) {
                    remaps.incrementAndGet(index);
                }
            });
        }
        this.sharedInode = inode(SHARED);
        this.ownInode = inode(OWN);
    }

    /** Starts the child, opens the shared object through {@code shm} and creates the framework-only one. */
    static SwapRig start(SharedMemoryService shm, RootDir root) {
        LineProcess child = LineProcess.startJvm(CounterChild.class, "", List.of(), root.path().toString(), SHARED,
                "4096");
        LineProcess cPeer = null;
        try {
            assertEquals("READY", child.nextLine());
            java.nio.file.Path binary = CExample.shmPeer().binary().orElseThrow(() -> new AssertionError(
                    "the C peer cannot be built here: " + CExample.shmPeer().unavailable().orElse("?")));
            cPeer = LineProcess.start("c peer", List.of(binary.toString(), root.path().toString(), SHARED, "open",
                    "count", "8"), java.util.Map.of());
            assertTrue(cPeer.nextLine().startsWith("PEER"));
            assertTrue(cPeer.nextLine().startsWith("OPENED"));
            assertEquals("COUNTING", cPeer.nextLine());
            SharedMemory shared = shm.open(SHARED);
            SharedMemory own = shm.createOrOpen(OWN, OWN_SIZE);
            MemorySegment bytes = own.segment();
            for (long i = 0; i < OWN_SIZE; i++) {
                bytes.set(JAVA_BYTE, i, pattern(i));
            }
            SharedMemory ownJoined = shm.open(OWN, MapOptions.DEFAULT.withShareMapping(true));
            return new SwapRig(root, child, cPeer, shared, own, ownJoined);
        } catch (RuntimeException | AssertionError e) {
            child.kill();
            if (cPeer != null) {
                cPeer.kill();
            }
            throw e;
        }
    }

    /** The handle the framework holds on the counter. */
    SharedMemory shared() {
        return shared;
    }

    /** The framework-only handle. */
    SharedMemory own() {
        return own;
    }

    /**
     * Waits until each handle of the rig moved once more since the last wait (a step that swaps the backend under
     * them): from then on each answers with its new mapping, and a segment taken from it stays valid. A step's check
     * that runs while the handles are still moving could read a segment that the move then closes.
     */
    void awaitMoved(String step) {
        Await.until(() -> step + ": every handle of the rig moved; REMAPPED events heard " + remaps + ", "
                + java.util.Arrays.toString(remapsAwaited) + " before", Await.DEADLINE, () -> {
                    for (int i = 0; i < remapsAwaited.length; i++) {
                        if (remaps.get(i) <= remapsAwaited[i]) {
                            return false;
                        }
                    }
                    return true;
                });
        for (int i = 0; i < remapsAwaited.length; i++) {
            remapsAwaited[i] = remaps.get(i);
        }
    }

    /** The assertions of one step (see the class documentation). */
    void check(String step) {
        assertEquals(step + ": the counter object is the same file", sharedInode, inode(SHARED));
        assertEquals(step + ": the framework-only object is the same file", ownInode, inode(OWN));
        long now = shared.segment().get(JAVA_LONG, 0);
        assertTrue(step + ": the counter went back from " + lastSeen + " to " + now, now >= lastSeen);
        long before = now;
        Await.until(step + ": the framework's handle sees the child's counter grow past " + before,
                () -> shared.segment().get(JAVA_LONG, 0) > before);
        lastSeen = shared.segment().get(JAVA_LONG, 0);
        long nowC = shared.segment().get(JAVA_LONG, 8);
        assertTrue(step + ": the C peer's counter went back from " + lastSeenC + " to " + nowC, nowC >= lastSeenC);
        Await.until(step + ": the framework's handle sees the C peer's counter grow past " + nowC,
                () -> shared.segment().get(JAVA_LONG, 8) > nowC);
        lastSeenC = shared.segment().get(JAVA_LONG, 8);
        MemorySegment bytes = own.segment();
        for (long i = 0; i < OWN_SIZE; i += 61) {
            assertEquals(step + ": framework-only byte " + i, pattern(i), bytes.get(JAVA_BYTE, i));
        }
        assertEquals(step + ": last framework-only byte", pattern(OWN_SIZE - 1), bytes.get(JAVA_BYTE, OWN_SIZE - 1));
        MemorySegment joined = ownJoined.segment();
        for (long i = 0; i < OWN_SIZE; i += 61) {
            assertEquals(step + ": framework-only byte " + i + " through the joined handle", pattern(i),
                    joined.get(JAVA_BYTE, i));
        }
    }

    /**
     * The assertions of one step for a second view of the counter object, such as a personality's mapping of it: it
     * reads both writers' counters at least as far as the framework's handle saw them at the last {@link #check}, and
     * sees each grow (the writers are still running).
     */
    void checkView(String step, MemorySegment view) {
        long now = view.get(JAVA_LONG, 0);
        assertTrue(step + ": the view's counter is behind the framework's handle: " + now + " < " + lastSeen,
                now >= lastSeen);
        Await.until(step + ": the view sees the child's counter grow past " + now,
                () -> view.get(JAVA_LONG, 0) > now);
        long nowC = view.get(JAVA_LONG, 8);
        assertTrue(step + ": the view's C counter is behind the framework's handle: " + nowC + " < " + lastSeenC,
                nowC >= lastSeenC);
        Await.until(step + ": the view sees the C peer's counter grow past " + nowC,
                () -> view.get(JAVA_LONG, 8) > nowC);
    }

    /** After {@link #finish}: a second view of the counter object reads exactly the writers' last values. */
    void checkLastWrites(String what, MemorySegment view) {
        assertEquals(what + ": the child's last write", shared.segment().get(JAVA_LONG, 0), view.get(JAVA_LONG, 0));
        assertEquals(what + ": the C peer's last write", shared.segment().get(JAVA_LONG, 8), view.get(JAVA_LONG, 8));
    }

    /** Stops both writers: the last value each wrote is what the framework reads; then both exit. */
    void finish() {
        String counted = cPeer.send("stop");
        assertTrue(counted, counted.startsWith("COUNTED last="));
        assertEquals("no write of the C peer was lost", Long.parseLong(counted.substring("COUNTED last=".length())),
                shared.segment().get(JAVA_LONG, 8));
        assertEquals(0, cPeer.waitFor());
        String last = child.send("stop");
        assertTrue(last, last.startsWith("LAST "));
        assertEquals("no counter write was lost", Long.parseLong(last.substring(5)),
                shared.segment().get(JAVA_LONG, 0));
        child.post("exit");
        assertEquals(0, child.waitFor());
    }

    /** The C peer's process. */
    LineProcess cPeer() {
        return cPeer;
    }

    /** The child's process. */
    LineProcess child() {
        return child;
    }

    @Override
    public void close() {
        try {
            shared.close();
            own.close();
            ownJoined.close();
        } finally {
            child.close();
            cPeer.close();
        }
    }

    private Object inode(String name) {
        try {
            return Files.getAttribute(root.path().resolve("n." + name), "unix:ino");
        } catch (IOException e) {
            throw new UncheckedIOException(name + " has no file any more", e);
        }
    }

    private static byte pattern(long i) {
        return (byte) (i * 31 + 7);
    }
}
