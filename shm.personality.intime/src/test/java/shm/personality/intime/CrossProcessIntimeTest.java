package shm.personality.intime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.intime.IntimeConstants.*;
import static shm.api.intime.IntimeTables.ROOT_PROCESS_HANDLE;

import java.lang.foreign.MemorySegment;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.intime.IntimeTables;
import shm.api.intime.Iwin32Result;
import shm.api.intime.RtHandleResult;

/**
 * INtime across real processes: a memory handle made in a child JVM is found by name and mapped here (and the other
 * way round); iwin32 handle values are unique system-wide and another process may close them; the iwin32 pool is one
 * pool for all processes; a killed child loses its handles, slots and catalog entries and leaks nothing the platform
 * owns.
 */
class CrossProcessIntimeTest {

    private static final long POOL = SEGSIZE_UNIT;

    @RegisterExtension
    final IntimeFixture store = new IntimeFixture();
    private final IntimePersonality here = store.process(IntimeSettings.defaults().withIwin32SegSize(POOL));

    @Test
    void aMemoryHandleCreatedInAChildIsFoundByNameAndMappedHere() throws Exception {
        try (ChildProcess child = new ChildProcess(store.root, POOL)) {
            String created = child.send("alloc 8192 from-the-child");
            assertEquals(Integer.toString(E_OK), child.word(created, 2));
            int handle = Integer.parseInt(child.word(created, 1));
            assertEquals("CATALOGED true 0", child.send("catalog telemetry"));

            RtHandleResult found = here.LookupRtHandle(ROOT_PROCESS_HANDLE, "telemetry", 30_000);
            assertEquals(handle, found.handle(), "the catalog gives this process the child's RTHANDLE");
            MemorySegment view = here.MapRtSharedMemory(found.handle()).address();
            assertEquals(8192, view.byteSize());
            assertEquals("from-the-child", view.getString(0));
            view.setString(0, "from-the-parent");
            assertEquals("DATA from-the-parent", child.send("read"));
            assertEquals("from-the-parent", here.MapRtSharedMemory(handle).address().getString(0),
                    "the bare value works as well: RTHANDLEs are system-wide");
            child.exit();
            assertEquals(0, store.gdtUsed(), "the child's end deleted its handle");
            assertEquals("from-the-parent", view.getString(0), "this process's mapping stays");
        }
    }

    @Test
    void aMemoryHandleCreatedHereIsMappedInAChild() throws Exception {
        MemorySegment block = here.AllocateRtMemory(PAGE_SIZE).address();
        block.setString(0, "from-the-parent");
        int handle = here.CreateRtMemoryHandle(block, PAGE_SIZE).handle();
        try (ChildProcess child = new ChildProcess(store.root, POOL)) {
            assertEquals("MAPPED 0", child.send("map " + handle));
            assertEquals("DATA from-the-parent", child.send("view"));
            child.exit();
        }
        assertEquals(PAGE_SIZE, here.FreeRtMemory(block));
        assertTrue(here.DeleteRtMemoryHandle(handle));
        assertEquals(List.of(), store.objectFiles());
    }

    @Test
    void iwin32HandleValuesAreUniqueSystemWideAndAnotherProcessMayCloseThem() throws Exception {
        try (ChildProcess child = new ChildProcess(store.root, POOL)) {
            long theirs = Long.parseLong(child.word(child.send("create shared 4096 child-data"), 1));
            Iwin32Result mine = here.RtOpenSharedMemory(0, false, "shared");
            assertTrue(theirs >= IWIN32_HANDLE_BASE && mine.handle() >= IWIN32_HANDLE_BASE);
            assertNotEquals(theirs, mine.handle(), "no two processes hold the same value");
            assertEquals("child-data", mine.location().getString(0));

            assertEquals(2, store.backend.lookup("shared").orElseThrow().handleCount());
            assertTrue(here.CloseHandle(theirs), "the child's handle, closed from this process");
            assertEquals(1, store.backend.lookup("shared").orElseThrow().handleCount(),
                    "the child's hold went with its handle, before the child made any call");
            assertFalse(here.CloseHandle(theirs));
            assertEquals(ERROR_INVALID_HANDLE, here.GetLastError());

            assertEquals("ICLOSED false " + ERROR_INVALID_HANDLE, child.send("iclose"),
                    "the child's own later close fails as for any closed handle");
            assertEquals("UNMAPPED", child.send("iread"), "and its view is gone, without a crash");
            assertEquals(1, store.backend.lookup("shared").orElseThrow().handleCount(), "nothing was released twice");
            assertEquals("child-data", mine.location().getString(0));
            assertTrue(here.CloseHandle(mine.handle()));
            assertTrue(store.backend.lookup("shared").isEmpty(), "and the last close destroyed it");
            child.exit();
        }
    }

    @Test
    void closingTheOnlyHandleOfAnotherProcessDestroysTheObjectAtOnce() throws Exception {
        try (ChildProcess child = new ChildProcess(store.root, POOL)) {
            long only = Long.parseLong(child.word(child.send("create solo 8192 child-data"), 1));
            assertEquals(1, store.backend.lookup("solo").orElseThrow().handleCount());
            assertEquals(8192, store.iwin32Pool().used());

            assertTrue(here.CloseHandle(only));
            assertTrue(store.backend.lookup("solo").isEmpty(), "the child's hold was the last: the object is gone");
            assertEquals(0, store.iwin32Pool().used(), "its pool space is back");
            assertEquals(0, store.iwin32Used(), "and its slot is free");
            assertEquals(List.of(), store.objectFiles().stream().filter(f -> f.contains("solo")).toList());

            assertEquals("ICLOSED false " + ERROR_INVALID_HANDLE, child.send("iclose"));
            assertEquals("UNMAPPED", child.send("iread"));
            assertTrue(child.send("create solo 64 again").endsWith(" 0"), "the name is free for a new object");
            child.exit();
        }
        assertEquals(List.of(), store.objectFiles(), "nothing leaked");
    }

    @Test
    void closingOneOfTwoHandlesOfAnotherProcessReleasesExactlyOneHold() throws Exception {
        try (ChildProcess child = new ChildProcess(store.root, POOL)) {
            long first = Long.parseLong(child.word(child.send("create twin 4096 child-data"), 1));
            assertTrue(child.send("create twin 4096 rewritten").endsWith(" " + ERROR_ALREADY_EXISTS));
            assertEquals(2, store.backend.lookup("twin").orElseThrow().handleCount());

            assertTrue(here.CloseHandle(first));
            assertEquals(1, store.backend.lookup("twin").orElseThrow().handleCount());
            assertTrue(child.send("event next").endsWith(" 0"), "the child's next iwin32 call drops the lost handle");
            assertEquals(1, store.backend.lookup("twin").orElseThrow().handleCount(),
                    "without releasing its hold a second time");
            assertEquals("DATA rewritten", child.send("iread"), "the child's other handle still maps the object");
            assertTrue(child.send("iclose").startsWith("ICLOSED true "));
            assertTrue(store.backend.lookup("twin").isEmpty(), "the child's last close destroyed it");
            child.exit();
        }
    }

    @Test
    void theIwin32PoolIsOnePoolForAllProcesses() throws Exception {
        try (ChildProcess child = new ChildProcess(store.root, POOL)) {
            assertEquals("0", child.word(child.send("create big " + (3 << 20) + " child"), 2));
            List<String> files = store.objectFiles();
            Iwin32Result over = here.RtCreateSharedMemory(0, 0, 2 << 20, "too-much");
            assertEquals(ERROR_NOT_ENOUGH_MEMORY, over.errorCode(), "the child's 3 MiB count here too");
            assertEquals(files, store.objectFiles(), "and the failed create touched nothing");
            assertEquals(3 << 20, store.iwin32Pool().used());
            assertTrue(child.send("iclose").startsWith("ICLOSED true"));
            assertTrue(here.RtCreateSharedMemory(0, 0, 2 << 20, "too-much").succeeded());
            child.exit();
        }
    }

    @Test
    void aKilledChildLosesItsHandlesSlotsAndCatalogEntriesAndLeaksNothing() throws Exception {
        ChildProcess child = new ChildProcess(store.root, POOL);
        int handle = Integer.parseInt(child.word(child.send("alloc 4096 survivor"), 1));
        assertEquals("CATALOGED true 0", child.send("catalog k-mem"));
        assertEquals("CATALOGED true 0", child.send("catalogself k-proc"));
        assertEquals("0", child.word(child.send("create k-iwin32 8192 iwin32-data"), 2));
        MemorySegment view = here.MapRtSharedMemory(handle).address();
        Iwin32Result opened = here.RtOpenSharedMemory(0, false, "k-iwin32");
        int processHandle = here.LookupRtHandle(ROOT_PROCESS_HANDLE, "k-proc", NO_WAIT).handle();
        assertTrue(IntimeTables.isProcessHandle(processHandle));

        child.kill();
        assertEquals(List.of(child.process.pid()), store.backend.reapDeadProcesses());

        // iwin32 (documented): the system closed the dead process's handle; the object lives while others hold it.
        assertEquals(1, store.backend.lookup("k-iwin32").orElseThrow().handleCount());
        assertEquals("iwin32-data", opened.location().getString(0));
        assertEquals(1, store.iwin32Used(), "only this process's handle is left");
        // kernel: its directory entries went with it (documented); its handles and memory too (the platform's choice).
        assertEquals(E_TIME, here.LookupRtHandle(ROOT_PROCESS_HANDLE, "k-mem", NO_WAIT).status());
        assertEquals(E_TIME, here.LookupRtHandle(ROOT_PROCESS_HANDLE, "k-proc", NO_WAIT).status());
        assertEquals(E_EXIST, here.LookupRtHandle(processHandle, "anything", NO_WAIT).status(),
                "its process handle names nothing now");
        assertEquals(0, store.gdtUsed());
        assertEquals(E_EXIST, here.MapRtSharedMemory(handle).status());
        assertEquals("survivor", view.getString(0), "a mapping made before stays readable");

        assertEquals(0, here.FreeRtMemory(view));
        assertTrue(here.CloseHandle(opened.handle()));
        assertEquals(List.of(), store.objectFiles(), "nothing left in the store");
        assertEquals(0, store.iwin32Pool().used());
        assertEquals(0, store.iwin32Used());
    }
}
