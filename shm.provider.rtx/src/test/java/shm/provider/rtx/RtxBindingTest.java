package shm.provider.rtx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.Access;
import shm.api.ErrorReason;
import shm.api.MapOptions;
import shm.api.NamedEvent;
import shm.api.NamedMutex;
import shm.api.NamedSemaphore;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.WaitResult;
import shm.api.spi.BackendHandle;
import shm.provider.win32.Win32Backend;
import shm.testkit.TestDoubleFixture;
import shm.testkit.TestDoubleStore;

/**
 * The real FFM binding path of the RTX backend against the RtApi.dll test double: every argument's marshalling,
 * the captured last error, handle lifetime and the neutral semantics the backend presents over RTX's.
 */
class RtxBindingTest {

    @RegisterExtension
    final TestDoubleFixture<Win32Backend> vendor = new TestDoubleFixture<>(RtxDouble.library(), RtxDouble::backend);
    private final TestDoubleStore store = vendor.store;
    private final Win32Backend backend = vendor.backend;

    @Test
    void namesTravelAsUtf16AndArriveIntact() {
        String name = "Übung-Ω-\uD83D\uDE00-memory";
        try (BackendHandle h = backend.createOrOpen(ObjectType.SHARED_MEMORY, name, 100, MapOptions.DEFAULT)) {
            assertEquals(1, store.handleCount(name), "the double stored the name decoded from UTF-16LE");
            try (BackendHandle again = backend.open(ObjectType.SHARED_MEMORY, name, MapOptions.DEFAULT)) {
                assertEquals(2, store.handleCount(name));
            }
        }
        assertEquals(-1, store.handleCount(name), "the last close destroyed it");
    }

    @Test
    void theSizeIsSplitIntoHighAndLowDwords() {
        try (BackendHandle h = backend.createOrOpen(ObjectType.SHARED_MEMORY, "split", 0x1234, MapOptions.DEFAULT)) {
            assertArrayEquals(new long[] {3, 0, 0x1234}, store.lastCreate(),
                    "flProtect SHM_MAP_ALL_ACCESS, MaximumSizeHigh 0, MaximumSizeLow the size");
            assertEquals(0x1234, h.byteSize());
        }
        ShmException tooBig = assertThrows(ShmException.class, () -> backend.createOrOpen(ObjectType.SHARED_MEMORY,
                "huge", (1L << 32) + 5, MapOptions.DEFAULT));
        assertEquals(ErrorReason.INVALID_PARAMETER, tooBig.reason());
        assertTrue(tooBig.getMessage().contains("4294967295"), tooBig.getMessage());
    }

    @Test
    void theLocationOutPointerIsTheMappingEveryHandleShares() {
        try (BackendHandle a = backend.createOrOpen(ObjectType.SHARED_MEMORY, "shared", 8192, MapOptions.DEFAULT);
             BackendHandle b = backend.open(ObjectType.SHARED_MEMORY, "shared", MapOptions.DEFAULT)) {
            a.segment().set(ValueLayout.JAVA_LONG, 4096, 0x1122334455667788L);
            assertEquals(0x1122334455667788L, b.segment().get(ValueLayout.JAVA_LONG, 4096));
            assertEquals(8192, b.byteSize(), "VirtualQuery gave the opened object's size");
            assertFalse(a.alreadyExisted());
            assertTrue(b.alreadyExisted());
        }
    }

    @Test
    void aCreateWithAnotherSizeOpensTheExistingObjectAsTheNeutralContractSays() {
        try (BackendHandle a = backend.createOrOpen(ObjectType.SHARED_MEMORY, "sized", 4096, MapOptions.DEFAULT);
             BackendHandle b = backend.createOrOpen(ObjectType.SHARED_MEMORY, "sized", 64, MapOptions.DEFAULT);
             BackendHandle c = backend.createOrOpen(ObjectType.SHARED_MEMORY, "sized", 4096, MapOptions.DEFAULT)) {
            assertTrue(b.alreadyExisted(), "RTX refused the create with ERROR_INVALID_PARAMETER; the backend opened");
            assertEquals(4096, b.byteSize(), "the existing size wins");
            assertTrue(c.alreadyExisted(), "same size: ERROR_ALREADY_EXISTS captured as a status");
            assertEquals(3, store.handleCount("sized"));
        }
    }

    @Test
    void theCapturedLastErrorBecomesTheNeutralReason() {
        ShmException missing = assertThrows(ShmException.class,
                () -> backend.open(ObjectType.SHARED_MEMORY, "nothing", MapOptions.DEFAULT));
        assertEquals(ErrorReason.NOT_FOUND, missing.reason());
        assertTrue(missing.getMessage().contains("errno 2"), missing.getMessage());

        try (NamedEvent event = backend.createOrOpenEvent("taken", true, false)) {
            ShmException taken = assertThrows(ShmException.class,
                    () -> backend.createOrOpen(ObjectType.SHARED_MEMORY, "taken", 10, MapOptions.DEFAULT));
            assertEquals(ErrorReason.NAME_USED_BY_OTHER_TYPE, taken.reason());
            assertTrue(taken.getMessage().contains("EVENT"), taken.getMessage());
            assertEquals(1, store.handleCount("taken"), "the refused create holds nothing");
        }

        ShmException badName = assertThrows(ShmException.class,
                () -> backend.createOrOpen(ObjectType.SHARED_MEMORY, "a\\b", 10, MapOptions.DEFAULT));
        assertEquals(ErrorReason.INVALID_NAME, badName.reason());
        ShmException nul = assertThrows(ShmException.class,
                () -> backend.createOrOpen(ObjectType.SHARED_MEMORY, "a\0b", 10, MapOptions.DEFAULT));
        assertEquals(ErrorReason.INVALID_NAME, nul.reason());
    }

    @Test
    void handlesLiveUntilTheLastCloseAndCloseIsIdempotent() {
        BackendHandle first = backend.createOrOpen(ObjectType.SHARED_MEMORY, "life", 64, MapOptions.DEFAULT);
        BackendHandle second = backend.open(ObjectType.SHARED_MEMORY, "life", MapOptions.DEFAULT.withAccess(
                Access.READ_ONLY));
        var segment = first.segment();
        first.close();
        first.close();
        assertEquals(1, store.handleCount("life"));
        assertThrows(IllegalStateException.class, () -> segment.get(ValueLayout.JAVA_BYTE, 0),
                "a segment of a closed handle fails cleanly");
        assertThrows(IllegalArgumentException.class, () -> second.segment().set(ValueLayout.JAVA_BYTE, 0,
                (byte) 1), "read-only handles give read-only segments");
        assertEquals(ErrorReason.CLOSED, assertThrows(ShmException.class, first::segment).reason());
        assertEquals(1, backend.list().size());
        second.close();
        assertEquals(-1, store.handleCount("life"));
        assertTrue(backend.lookup("life").isEmpty());
        assertEquals(0, store.objectFiles(), "nothing left in the double's store");
    }

    @Test
    void unnamedObjectsAreSharedByRefWithinTheProcess() {
        try (BackendHandle a = backend.createUnnamed(ObjectType.SHARED_MEMORY, 4096, MapOptions.DEFAULT)) {
            BackendHandle b = backend.openByRef(a.ref(), MapOptions.DEFAULT);
            a.segment().set(ValueLayout.JAVA_INT, 0, 42);
            assertEquals(42, b.segment().get(ValueLayout.JAVA_INT, 0));
            b.close();
            assertEquals(42, a.segment().get(ValueLayout.JAVA_INT, 0), "b's close left a's vendor handle open");
        }
        assertEquals(0, store.objectFiles());
    }

    @Test
    void eventsMutexesAndSemaphoresFollowTheWin32Rules() throws Exception {
        try (NamedEvent e = backend.createOrOpenEvent("ev", false, false);
             NamedEvent other = backend.openEvent("ev")) {
            assertEquals(WaitResult.TIMEOUT, other.await(Duration.ZERO));
            e.set();
            assertEquals(WaitResult.SIGNALED, other.await(Duration.ofSeconds(5)));
            assertEquals(WaitResult.TIMEOUT, other.await(Duration.ZERO), "auto reset");
            e.pulse();
            assertEquals(WaitResult.TIMEOUT, other.await(Duration.ZERO), "a pulse without waiters is lost");
        }
        try (NamedMutex m = backend.createOrOpenMutex("mx", true)) {
            assertTrue(m.heldByCurrentThread());
            assertEquals(WaitResult.SIGNALED, m.acquire(Duration.ZERO), "recursive");
            Thread t = new Thread(() -> {
                ShmException notOwner = assertThrows(ShmException.class, m::release);
                assertEquals(ErrorReason.WRONG_STATE, notOwner.reason());
                assertEquals(WaitResult.TIMEOUT, m.acquire(Duration.ofMillis(20)));
            });
            t.start();
            t.join();
            m.release();
            m.release();
            assertFalse(m.heldByCurrentThread());
        }
        try (NamedSemaphore s = backend.createOrOpenSemaphore("sem", 1, 2)) {
            assertEquals(1, s.release(1), "the previous count came back through the out-pointer");
            ShmException full = assertThrows(ShmException.class, () -> s.release(1));
            assertEquals(ErrorReason.INVALID_PARAMETER, full.reason());
            assertEquals(WaitResult.SIGNALED, s.acquire(Duration.ZERO));
            assertEquals(WaitResult.SIGNALED, s.acquire(Duration.ZERO));
            assertEquals(WaitResult.TIMEOUT, s.acquire(Duration.ZERO));
        }
        assertTrue(backend.list().isEmpty());
    }

    @Test
    void whatRtxCannotDoIsRefusedNamingTheCapability() {
        ShmException pools = assertThrows(ShmException.class, () -> backend.setPoolLimit("p", 1));
        assertEquals(ErrorReason.LOCATION, pools.reason());
        assertTrue(pools.getMessage().contains("shm.backend.pools=false"), pools.getMessage());
        ShmException gdt = assertThrows(ShmException.class, () -> backend.descriptors("intime.gdt", 8, 8));
        assertTrue(gdt.getMessage().contains("shm.backend.descriptorTables=none"), gdt.getMessage());
        assertEquals(ErrorReason.LOCATION, assertThrows(ShmException.class, backend::directory).reason());
        assertEquals("none", backend.capabilities().properties().get("shm.backend.directory"));
        shm.api.NamedEvent event = backend.createOrOpenEvent(null, true, true);
        ShmException syncRef = assertThrows(ShmException.class, () -> backend.syncRef(event));
        assertEquals(ErrorReason.LOCATION, syncRef.reason());
        assertTrue(syncRef.getMessage().contains("shm.backend.syncRefs=false"), syncRef.getMessage());
        assertEquals(false, backend.capabilities().properties().get("shm.backend.syncRefs"));
        assertFalse(backend.parkSync(event), "it cannot park an event, which stays open");
        assertEquals(shm.api.WaitResult.SIGNALED, event.await(java.time.Duration.ZERO));
        event.close();
    }

    @Test
    void aClosedBackendClosesItsHandlesAndRefusesCalls() {
        BackendHandle h = backend.createOrOpen(ObjectType.SHARED_MEMORY, "bye", 64, MapOptions.DEFAULT);
        NamedEvent e = backend.createOrOpenEvent("bye-event", true, false);
        backend.close();
        assertFalse(h.isOpen());
        assertEquals(ErrorReason.CLOSED, assertThrows(ShmException.class, e::set).reason());
        assertEquals(ErrorReason.CLOSED, assertThrows(ShmException.class,
                () -> backend.lookup("bye")).reason());
        assertEquals(-1, store.handleCount("bye"));
    }
}
