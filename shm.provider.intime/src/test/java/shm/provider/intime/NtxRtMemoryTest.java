package shm.provider.intime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.ErrorReason;
import shm.api.MapOptions;
import shm.api.ShmException;
import shm.api.intime.IntimeTables;
import shm.api.spi.BackendHandle;
import shm.api.spi.Descriptor;
import shm.api.spi.ObjectRef;
import shm.provider.win32.Win32Backend;
import shm.testkit.LineProcess;
import shm.testkit.TestDoubleFixture;
import shm.testkit.TestDoubleStore;

/**
 * The real use of NTX: a Windows JVM maps memory an RT process created and catalogued. The RT process is a C program
 * over the test double; the JVM finds the name in the root directory, imports the RTHANDLE and maps it.
 */
class NtxRtMemoryTest {

    @RegisterExtension
    final TestDoubleFixture<Win32Backend> vendor = new TestDoubleFixture<>(IntimeDouble.library(), IntimeDouble::backend);
    private final TestDoubleStore store = vendor.store;
    private final Win32Backend backend = vendor.backend;

    @Test
    void theJvmMapsMemoryAnRtProcessCatalogued() throws Exception {
        try (LineProcess rt = IntimeDouble.rtProcess(store, "RTDATA", 8192, "hello from RT")) {
            int rtHandle = Integer.parseInt(rt.nextLine().substring("READY ".length()));
            long found = backend.directory().lookup(IntimeTables.ROOT_DIRECTORY, "RTDATA").orElseThrow();
            assertEquals(rtHandle, found, "ntxLookupNtxHandle in the root process; the RTHANDLE is the low word");
            Descriptor d = gdtEntryOf(rtHandle);
            assertEquals(8192, d.size(), "ntxGetRtSize");
            BackendHandle first = backend.openByRef(d.object(), MapOptions.DEFAULT);
            BackendHandle second = backend.openByRef(d.object(), MapOptions.DEFAULT);
            assertEquals("hello from RT", first.segment().getString(0));
            second.segment().setString(0, "hello from Windows");
            assertEquals("DATA hello from Windows", rt.send("read"));
            first.close();
            assertEquals("hello from Windows", second.segment().getString(0),
                    "NTX's first unmap would invalidate the shared pointer; the backend unmaps at the last close");
            assertTrue(mappedObjects() > 0);
            second.close();
            assertEquals(0, mappedObjects(), "the last close unmapped (ntxUnmapRtSharedMemory)");
            assertEquals("EXITED", rt.send("exit"));
        }
    }

    @Test
    void anUnalignedSegmentIsMappedWhole() {
        try (LineProcess rt = IntimeDouble.rtProcess(store, "ODD", 100, "odd")) {
            int rtHandle = Integer.parseInt(rt.nextLine().substring("READY ".length()));
            Descriptor d = gdtEntryOf(rtHandle);
            try (BackendHandle h = backend.openByRef(d.object(), MapOptions.DEFAULT)) {
                assertEquals(100, h.byteSize());
                assertEquals("odd", h.segment().getString(0));
                assertThrows(IndexOutOfBoundsException.class, () -> h.segment().get(ValueLayout.JAVA_BYTE, 100));
            }
            rt.send("exit");
        }
    }

    @Test
    void ntxStatusesBecomeNeutralAnswers() {
        assertTrue(backend.directory().lookup(IntimeTables.ROOT_DIRECTORY, "NOBODY").isEmpty(), "E_TIME: empty");
        assertTrue(backend.descriptors(IntimeTables.GDT_TABLE, 1, 1).get(200).isEmpty(), "E_EXIST: empty");
        assertTrue(backend.descriptors(IntimeTables.GDT_TABLE, 1, 1).get(IntimeTables.MAX_GDT_SLOTS).isEmpty(),
                "no such slot");
        ShmException bad = assertThrows(ShmException.class, () -> backend.openByRef(
                new ObjectRef(Win32Backend.EXTENSION_REF_BIT | 0x777), MapOptions.DEFAULT));
        assertEquals(ErrorReason.NOT_FOUND, bad.reason());
        assertTrue(bad.getMessage().contains("ntxGetLastRtError 0x6"), bad.getMessage());
        ShmException type = assertThrows(ShmException.class, () -> backend.openByRef(
                new ObjectRef(Win32Backend.EXTENSION_REF_BIT | 0x10004), MapOptions.DEFAULT));
        assertEquals(ErrorReason.WRONG_TYPE, type.reason(), "the root process is not memory: E_TYPE");
        ShmException bind = assertThrows(ShmException.class,
                () -> backend.directory().bind(IntimeTables.ROOT_DIRECTORY, "X", 1));
        assertEquals(ErrorReason.LOCATION, bind.reason());
        assertTrue(bind.getMessage().contains("shm.backend.directory=lookup"), bind.getMessage());
        assertEquals(ErrorReason.LOCATION, assertThrows(ShmException.class, () -> backend.descriptors(
                IntimeTables.GDT_TABLE, 1, 1).create(new ObjectRef(1), 0, 1)).reason());
        ShmException release = assertThrows(ShmException.class, () -> backend.descriptors(IntimeTables.GDT_TABLE, 1, 1)
                .deleteReleasingHold(new Descriptor(0, new ObjectRef(1), 0, 4096, 1, 0)));
        assertEquals(ErrorReason.LOCATION, release.reason(), "no Windows process deletes an RT process's handle");
        assertTrue(release.getMessage().contains("shm.backend.descriptorTables="), release.getMessage());
        assertEquals(ErrorReason.LOCATION, assertThrows(ShmException.class,
                () -> backend.descriptors("intime.iwin32", 1, 1)).reason(), "only the GDT is visible");
    }

    @Test
    void closingTheBackendUnmapsRtMemory() throws Exception {
        try (LineProcess rt = IntimeDouble.rtProcess(store, "LEFT", 4096, "x")) {
            int rtHandle = Integer.parseInt(rt.nextLine().substring("READY ".length()));
            Descriptor d = gdtEntryOf(rtHandle);
            BackendHandle h = backend.openByRef(d.object(), MapOptions.DEFAULT);
            var segment = h.segment();
            backend.close();
            assertFalse(h.isOpen());
            assertThrows(IllegalStateException.class, () -> segment.get(ValueLayout.JAVA_BYTE, 0));
            assertEquals(0, mappedObjects());
            rt.send("exit");
        }
    }

    @Test
    void sameSegmentSameMapping() {
        try (LineProcess rt = IntimeDouble.rtProcess(store, "SAME", 4096, "s")) {
            int rtHandle = Integer.parseInt(rt.nextLine().substring("READY ".length()));
            Descriptor d = gdtEntryOf(rtHandle);
            try (BackendHandle a = backend.openByRef(d.object(), MapOptions.DEFAULT);
                 BackendHandle b = backend.openByRef(d.object(), MapOptions.DEFAULT)) {
                assertEquals(a.segment().address(), b.segment().address(), "NTX returns the same pointer");
                assertSame(null, a.name());
            }
            rt.send("exit");
        }
    }

    /** How many of the double's object files this process maps. */
    private long mappedObjects() throws IOException {
        String prefix = store.root.resolve("obj-").toString();
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.contains(prefix)).count();
    }

    /** The GDT descriptor of an RTHANDLE: the SPI numbers descriptors by GDT slot. */
    private Descriptor gdtEntryOf(int rtHandle) {
        return backend.descriptors(IntimeTables.GDT_TABLE, 1, 1).get(IntimeTables.slotOfMemoryHandle(rtHandle))
                .orElseThrow();
    }
}
