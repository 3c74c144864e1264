package shm.provider.intime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.ValueLayout;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.ErrorReason;
import shm.api.MapOptions;
import shm.api.NamedEvent;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.WaitResult;
import shm.api.spi.BackendHandle;
import shm.provider.win32.Win32Backend;
import shm.testkit.TestDoubleFixture;
import shm.testkit.TestDoubleStore;

/** The iwin32x part of the INtime backend over the test double: iwin32's rules under the SPI's neutral ones. */
class IntimeBindingTest {

    @RegisterExtension
    final TestDoubleFixture<Win32Backend> vendor = new TestDoubleFixture<>(IntimeDouble.library(), IntimeDouble::backend);
    private final TestDoubleStore store = vendor.store;
    private final Win32Backend backend = vendor.backend;

    @Test
    void iwin32IgnoresTheSizeOfAnExistingObjectAndTheBackendReportsTheRealOne() {
        try (BackendHandle a = backend.createOrOpen(ObjectType.SHARED_MEMORY, "seg", 8192, MapOptions.DEFAULT);
             BackendHandle b = backend.createOrOpen(ObjectType.SHARED_MEMORY, "seg", 100, MapOptions.DEFAULT)) {
            assertArrayEqualsSize(store.lastCreate(), 100);
            assertTrue(b.alreadyExisted(), "ERROR_ALREADY_EXISTS on success, captured");
            assertEquals(8192, b.byteSize(), "the existing size, learnt through VirtualQuery");
            a.segment().set(ValueLayout.JAVA_INT, 8188, 7);
            assertEquals(7, b.segment().get(ValueLayout.JAVA_INT, 8188));
            assertEquals(2, store.handleCount("seg"));
        }
        assertEquals(0, store.objectFiles());
    }

    private static void assertArrayEqualsSize(long[] create, long low) {
        assertEquals(0, create[1], "MaximumSizeHigh");
        assertEquals(low, create[2], "MaximumSizeLow");
    }

    @Test
    void namesAreCheckedByTheVendorAndRefusedNeutrally() {
        String longest = "n".repeat(IntimeBackendFactory.MAX_NAME_LENGTH);
        try (BackendHandle h = backend.createOrOpen(ObjectType.SHARED_MEMORY, longest, 10, MapOptions.DEFAULT)) {
            assertEquals(1, store.handleCount(longest));
        }
        ShmException tooLong = assertThrows(ShmException.class, () -> backend.createOrOpen(ObjectType.SHARED_MEMORY,
                longest + "n", 10, MapOptions.DEFAULT));
        assertEquals(ErrorReason.INVALID_NAME, tooLong.reason());
        assertTrue(tooLong.getMessage().contains("errno 123"), tooLong.getMessage());
    }

    @Test
    void syncObjectsShareTheNamespaceWithMemory() {
        try (BackendHandle memory = backend.createOrOpen(ObjectType.SHARED_MEMORY, "one", 10, MapOptions.DEFAULT)) {
            ShmException e = assertThrows(ShmException.class, () -> backend.createOrOpenEvent("one", true, false));
            assertEquals(ErrorReason.NAME_USED_BY_OTHER_TYPE, e.reason());
            assertTrue(e.getMessage().contains("SHARED_MEMORY"), e.getMessage());
        }
        try (NamedEvent ev = backend.createOrOpenEvent("one", true, true)) {
            assertEquals(WaitResult.SIGNALED, ev.await(Duration.ZERO));
            assertEquals(WaitResult.SIGNALED, ev.await(Duration.ZERO), "manual reset stays signaled");
            assertEquals(ObjectType.EVENT, backend.lookup("one").orElseThrow().type());
        }
    }

    @Test
    void poolsAreRefusedNamingTheCapability() {
        ShmException e = assertThrows(ShmException.class, () -> backend.createOrOpen(ObjectType.SHARED_MEMORY,
                "pooled", 10, MapOptions.DEFAULT, "intime.iwin32"));
        assertEquals(ErrorReason.LOCATION, e.reason());
        assertTrue(e.getMessage().contains("shm.backend.pools=false"), e.getMessage());
        assertEquals(-1, store.handleCount("pooled"), "nothing was created");
    }
}
