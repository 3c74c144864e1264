package shm.personality.intime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.intime.IntimeConstants.*;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.ErrorReason;
import shm.api.NamedEvent;
import shm.api.NamedMutex;
import shm.api.NamedSemaphore;
import shm.api.ObjectType;
import shm.api.intime.Iwin32Result;

/**
 * Seed 001, the INtime "RtCreateSharedMemory (iwin32)" page: one test per sentence that states behaviour, named after
 * it. Two INtime processes share one store.
 */
class Seed001RtCreateSharedMemoryTest {

    @RegisterExtension
    final IntimeFixture store = new IntimeFixture();
    private final IntimePersonality rt = store.process();
    private final IntimePersonality other = store.process();

    @Test
    void createsASharedMemoryObject() {
        Iwin32Result r = rt.RtCreateSharedMemory(0, 0, 4096, "created");
        assertTrue(r.succeeded());
        assertTrue(r.handle() >= IWIN32_HANDLE_BASE, "iwin32 handles are at least 0x10000");
        assertFalse(r.alreadyExisted());
        assertEquals(ERROR_SUCCESS, r.errorCode());
        assertEquals(ObjectType.SHARED_MEMORY, store.backend.lookup("created").orElseThrow().type());
    }

    @Test
    void flProtectIsIgnored() {
        assertTrue(rt.RtCreateSharedMemory(0x04, 0, 64, "protect-rw").succeeded());
        assertTrue(rt.RtCreateSharedMemory(0x02, 0, 64, "protect-ro").succeeded());
        assertTrue(rt.RtCreateSharedMemory(0xDEAD, 0, 64, "protect-odd").succeeded());
        assertFalse(rt.RtCreateSharedMemory(0x02, 0, 64, "protect-ro2").location().isReadOnly(),
                "the protection is ignored: the view is read/write");
    }

    @Test
    void maximumSizeHighMustBeZero() {
        Iwin32Result r = rt.RtCreateSharedMemory(0, 1, 4096, "high");
        assertFalse(r.succeeded());
        assertEquals(ERROR_INVALID_PARAMETER, r.errorCode());
        assertEquals(ERROR_INVALID_PARAMETER, rt.GetLastError());
        assertTrue(store.backend.lookup("high").isEmpty());
    }

    @Test
    void maximumSizeLowIsTheNumberOfBytesToAllocate() {
        assertEquals(12345, rt.RtCreateSharedMemory(0, 0, 12345, "bytes").location().byteSize());
        assertEquals(12345, store.backend.lookup("bytes").orElseThrow().logicalSize());
    }

    @Test
    void theNameIsLimitedToMaxPathCharacters() {
        assertTrue(rt.RtCreateSharedMemory(0, 0, 64, "n".repeat(MAX_PATH)).succeeded());
        Iwin32Result tooLong = rt.RtCreateSharedMemory(0, 0, 64, "n".repeat(MAX_PATH + 1));
        assertEquals(ERROR_INVALID_PARAMETER, tooLong.errorCode());
        assertEquals(ErrorReason.INVALID_NAME, tooLong.failure().reason());
    }

    @Test
    void theNameCanContainAnyCharacterExceptTheBackslash() {
        for (String name : List.of("with space", "a/b", "colon:dot.", "ümlaut-€", "tab\there", "..")) {
            Iwin32Result r = rt.RtCreateSharedMemory(0, 0, 64, name);
            assertTrue(r.succeeded(), () -> name + ": " + r.failure());
            assertEquals(name, store.backend.lookup(name).orElseThrow().name());
        }
        Iwin32Result backslash = rt.RtCreateSharedMemory(0, 0, 64, "a\\b");
        assertEquals(ERROR_INVALID_PARAMETER, backslash.errorCode());
        assertTrue(store.backend.lookup("a\\b").isEmpty());
    }

    @Test
    void nameComparisonIsCaseSensitive() {
        Iwin32Result upper = rt.RtCreateSharedMemory(0, 0, 64, "Pump");
        Iwin32Result lower = rt.RtCreateSharedMemory(0, 0, 64, "pump");
        assertFalse(lower.alreadyExisted());
        upper.location().set(ValueLayout.JAVA_INT, 0, 1);
        assertEquals(0, lower.location().get(ValueLayout.JAVA_INT, 0));
    }

    @Test
    void aNullNameCreatesTheObjectWithoutAName() {
        Iwin32Result a = rt.RtCreateSharedMemory(0, 0, 64, null);
        Iwin32Result b = rt.RtCreateSharedMemory(0, 0, 64, null);
        assertTrue(a.succeeded() && b.succeeded());
        assertFalse(b.alreadyExisted(), "two unnamed creates are two objects");
        assertNotEquals(a.handle(), b.handle());
        assertTrue(store.backend.list().isEmpty(), "unnamed objects are not in the namespace");
        assertEquals(2, store.objectFiles().size());
    }

    @Test
    void anExistingSharedMemoryNameIgnoresMaximumSizeLowSetByTheCreatingProcess() {
        rt.RtCreateSharedMemory(0, 0, 8192, "sized").location().setString(0, "original");
        for (int size : new int[] {1, 8192, 1 << 20, 0}) {
            Iwin32Result again = other.RtCreateSharedMemory(0, 0, size, "sized");
            assertTrue(again.succeeded(), "size " + size);
            assertEquals(8192, again.location().byteSize(), "the size was already set by the creation process");
            assertEquals("original", again.location().getString(0));
        }
        assertEquals(8192, store.backend.lookup("sized").orElseThrow().logicalSize());
    }

    @Test
    void anExistingSharedMemoryNameReturnsTheExistingObjectWithErrorAlreadyExists() {
        Iwin32Result first = rt.RtCreateSharedMemory(0, 0, 64, "existing");
        Iwin32Result second = other.RtCreateSharedMemory(0, 0, 64, "existing");
        assertTrue(second.alreadyExisted());
        assertEquals(ERROR_ALREADY_EXISTS, second.errorCode());
        assertEquals(ERROR_ALREADY_EXISTS, other.GetLastError());
        assertNotEquals(first.handle(), second.handle(), "a new handle to the same object");
        assertEquals(2, store.backend.lookup("existing").orElseThrow().handleCount());
    }

    /**
     * The real named events, mutexes and semaphores of the platform ({@link shm.api.SyncObjectService}, offered by
     * every backend) hold the names; they share the one namespace with shared memory.
     */
    @Test
    void aNameOfAnEventMutexOrSemaphoreFailsWithErrorInvalidHandleAsTheyShareTheNameSpace() {
        try (NamedEvent event = store.backend.createOrOpenEvent("sync-event", true, false);
             NamedMutex mutex = store.backend.createOrOpenMutex("sync-mutex", false);
             NamedSemaphore semaphore = store.backend.createOrOpenSemaphore("sync-semaphore", 0, 1)) {
            for (String name : List.of(event.name().orElseThrow(), mutex.name().orElseThrow(),
                    semaphore.name().orElseThrow())) {
                ObjectType type = store.backend.lookup(name).orElseThrow().type();
                Iwin32Result r = rt.RtCreateSharedMemory(0, 0, 64, name);
                assertFalse(r.succeeded(), name);
                assertEquals(ERROR_INVALID_HANDLE, r.errorCode());
                assertEquals(ERROR_INVALID_HANDLE, rt.GetLastError());
                assertEquals(ErrorReason.NAME_USED_BY_OTHER_TYPE, r.failure().reason());
                assertEquals(ERROR_INVALID_HANDLE, rt.RtCreateSharedMemory(0, 0, 0, name).errorCode(),
                        "also when the size would be ignored");
                assertEquals(ERROR_INVALID_HANDLE, rt.RtOpenSharedMemory(0, false, name).errorCode());
                assertEquals(type, store.backend.lookup(name).orElseThrow().type(), "the other object is untouched");
                assertEquals(1, store.backend.lookup(name).orElseThrow().handleCount());
            }
            assertEquals(0, store.iwin32Used(), "the failed calls hold no handle");
        }
    }

    @Test
    void locationReceivesTheVirtualAddressOfTheObject() {
        Iwin32Result r = rt.RtCreateSharedMemory(0, 0, 4096, "address");
        assertNotEquals(0, r.location().address());
        assertEquals(0, r.location().address() % PAGE_SIZE, "the mapping is page-aligned");
        r.location().setString(100, "through the pointer");
        assertEquals("through the pointer", other.RtOpenSharedMemory(0, false, "address").location().getString(100));
    }

    @Test
    void multipleProcessesCanHaveHandlesOfTheSameObjectToShareData() {
        Iwin32Result a = rt.RtCreateSharedMemory(0, 0, 64, "data");
        Iwin32Result b = other.RtCreateSharedMemory(0, 0, 64, "data");
        a.location().set(ValueLayout.JAVA_LONG, 8, 42L);
        assertEquals(42L, b.location().get(ValueLayout.JAVA_LONG, 8));
        b.location().set(ValueLayout.JAVA_LONG, 16, 7L);
        assertEquals(7L, a.location().get(ValueLayout.JAVA_LONG, 16));
    }

    @Test
    void toShareAnObjectAProcessSpecifiesItsNameInRtCreateSharedMemory() {
        rt.RtCreateSharedMemory(0, 0, 64, "by-name").location().setString(0, "shared");
        Iwin32Result joined = other.RtCreateSharedMemory(0, 0, 64, "by-name");
        assertTrue(joined.alreadyExisted());
        assertEquals("shared", joined.location().getString(0));
    }

    @Test
    void closeHandleClosesTheHandle() {
        Iwin32Result a = rt.RtCreateSharedMemory(0, 0, 64, "to-close");
        other.RtOpenSharedMemory(0, false, "to-close");
        assertTrue(rt.CloseHandle(a.handle()));
        assertEquals(1, store.backend.lookup("to-close").orElseThrow().handleCount());
        assertFalse(rt.CloseHandle(a.handle()), "a closed handle is no handle");
        assertEquals(ERROR_INVALID_HANDLE, rt.GetLastError());
        assertThrows(IllegalStateException.class, () -> a.location().get(ValueLayout.JAVA_BYTE, 0),
                "the view of a closed handle fails cleanly");
    }

    @Test
    void whenTheProcessTerminatesTheSystemClosesTheHandle() {
        IntimePersonality ending = store.process();
        ending.RtCreateSharedMemory(0, 0, 64, "process-end");
        Iwin32Result kept = other.RtOpenSharedMemory(0, false, "process-end");
        ending.close();
        assertEquals(1, store.backend.lookup("process-end").orElseThrow().handleCount());
        assertTrue(other.CloseHandle(kept.handle()));
        assertTrue(store.backend.lookup("process-end").isEmpty());
    }

    @Test
    void whenItsLastHandleClosesTheObjectIsDestroyed() {
        Iwin32Result a = rt.RtCreateSharedMemory(0, 0, 64, "last");
        Iwin32Result b = other.RtOpenSharedMemory(0, false, "last");
        assertTrue(other.CloseHandle(b.handle()));
        assertEquals(1, store.objectFiles().size());
        assertTrue(rt.CloseHandle(a.handle()));
        assertEquals(List.of(), store.objectFiles());
        assertEquals(0, store.iwin32Used());
        assertEquals(0, store.iwin32Pool().used(), "the memory went back to the iwin32 pool");
    }

    @Test
    void aWindowsApplicationCanAlsoCreateAnIwin32ObjectAndClosesItWithRtCloseHandle() {
        IntimePersonality windows = store.process();
        Iwin32Result fromWindows = windows.RtCreateSharedMemory(0, 0, 64, "from-windows");
        fromWindows.location().setString(0, "iwin32x");
        Iwin32Result fromRt = rt.RtOpenSharedMemory(0, false, "from-windows");
        assertEquals("iwin32x", fromRt.location().getString(0));
        assertTrue(windows.RtCloseHandle(fromWindows.handle()));
        assertTrue(rt.RtCloseHandle(fromRt.handle()));
        assertTrue(store.backend.lookup("from-windows").isEmpty());
    }

    @Test
    void spaceComesFromTheIwin32PoolWhoseSizeIsSegSizeInMultiplesOf4Mbytes() {
        try (IntimeFixture small = new IntimeFixture()) {
            IntimePersonality process = small.process(IntimeSettings.defaults().withIwin32SegSize(SEGSIZE_UNIT));
            assertEquals(SEGSIZE_UNIT, small.iwin32Pool().limit());
            assertTrue(process.RtCreateSharedMemory(0, 0, 3 << 20, "three").succeeded());
            assertEquals(3 << 20, small.iwin32Pool().used());
            Iwin32Result over = process.RtCreateSharedMemory(0, 0, 2 << 20, "two");
            assertEquals(ERROR_NOT_ENOUGH_MEMORY, over.errorCode());
            assertEquals(ErrorReason.NO_MEMORY, over.failure().reason());
            assertEquals(3 << 20, small.iwin32Pool().used());
            IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                    () -> IntimeSettings.defaults().withIwin32SegSize(5L << 20));
            assertTrue(refused.getMessage().contains("multiple of 4 MiB"), refused.getMessage());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void returnsTheHandleOnSuccessAndNullOnFailure() {
        Iwin32Result ok = rt.RtCreateSharedMemory(0, 0, 64, "returns");
        assertNotEquals(0, ok.handle());
        assertTrue(ok.error().isEmpty());
        Iwin32Result failed = rt.RtCreateSharedMemory(0, 0, 0, "never");
        assertEquals(0, failed.handle(), "NULL");
        assertEquals(MemorySegment.NULL, failed.location());
        assertEquals(ERROR_INVALID_PARAMETER, failed.errorCode());
        assertEquals(failed.failure(), rt.lastFailure().orElseThrow());
    }
}
