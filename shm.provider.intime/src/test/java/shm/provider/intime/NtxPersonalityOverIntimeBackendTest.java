package shm.provider.intime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.ntx.NtxConstants.*;

import java.util.Map;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.osgi.framework.FrameworkUtil;

import shm.api.ErrorReason;
import shm.api.ShmException;
import shm.api.ntx.NtxHandleResult;
import shm.api.ntx.NtxMapResult;
import shm.api.spi.BackendCapabilities;
import shm.personality.intime.IntimePersonality;
import shm.personality.intime.IntimePersonalityComponent;
import shm.personality.intime.IntimeSettings;
import shm.personality.ntx.NtxPersonality;
import shm.personality.ntx.NtxPersonalityComponent;
import shm.personality.ntx.NtxSettings;
import shm.provider.win32.Win32Backend;
import shm.testkit.LineProcess;
import shm.testkit.TestDoubleFixture;
import shm.testkit.TestDoubleStore;

/**
 * The NTX and INtime personalities over this backend and its test double, as the framework would bind them: NTX maps
 * memory an RT process (the double's C stand-in) created and catalogued, and refuses what a Windows process cannot do
 * here with its status and the missing capability named; the INtime personality's default target leaves this backend
 * out, and over it anyway an INtime process does not start, the capability named.
 */
class NtxPersonalityOverIntimeBackendTest {

    @RegisterExtension
    final TestDoubleFixture<Win32Backend> vendor = new TestDoubleFixture<>(IntimeDouble.library(),
            IntimeDouble::backend);
    private final TestDoubleStore store = vendor.store;
    private final Win32Backend backend = vendor.backend;
    private NtxPersonality ntx;

    @BeforeEach
    void open() {
        ntx = new NtxPersonality(NtxSettings.defaults());
        ntx.useBackend(backend);
    }

    @AfterEach
    void close() {
        ntx.close();
    }

    private Map<String, Object> published() {
        return backend.capabilities().properties();
    }

    @Test
    void theDefaultTargetsTakeThisBackendForNtxAndLeaveItOutForIntime() throws Exception {
        assertTrue(FrameworkUtil.createFilter(NtxPersonalityComponent.CAPABLE_BACKENDS).matches(published()),
                "NTX needs a GDT it can read and a directory it can look names up in: this backend has both");
        assertFalse(FrameworkUtil.createFilter(IntimePersonalityComponent.CAPABLE_BACKENDS).matches(published()),
                "an INtime process needs pools, descriptor tables and a directory it can write");
        assertTrue(FrameworkUtil.createFilter(IntimePersonalityComponent.CAPABLE_BACKENDS).matches(Map.of(
                "shm.backend.type", "mmap")), "the mmap backend publishes no capability: all of them");
    }

    @Test
    void ntxMapsMemoryAnRtProcessCataloguedThroughThisBackend() {
        try (LineProcess rt = IntimeDouble.rtProcess(store, "RTDATA", 8192, "hello from RT")) {
            int rtHandle = Integer.parseInt(rt.nextLine().substring("READY ".length()));
            NtxHandleResult root = ntx.ntxGetRootRtProcess();
            assertEquals(E_OK, root.status(), () -> String.valueOf(root.failure()));
            NtxHandleResult found = ntx.ntxLookupNtxHandle(root.handle(), "RTDATA", NO_WAIT);
            assertEquals(E_OK, found.status(), () -> String.valueOf(found.failure()));
            assertEquals(rtHandle, ntx.ntxExportRtHandle(found.handle()));
            assertEquals(NTX_TYPE_RT_SHARED_MEMORY, ntx.ntxGetType(found.handle()));
            assertEquals(8192, ntx.ntxGetRtSize(found.handle()));

            NtxHandleResult imported = ntx.ntxImportRtHandle(rtHandle, root.handle());
            assertEquals(E_OK, imported.status(), () -> String.valueOf(imported.failure()));
            NtxMapResult mapped = ntx.ntxMapRtSharedMemoryEx(imported.handle(), NTX_MAP_WRITE);
            assertEquals(E_OK, mapped.status(), () -> String.valueOf(mapped.failure()));
            assertEquals("hello from RT", mapped.address().getString(0));
            mapped.address().setString(0, "hello from NTX");
            assertEquals("DATA hello from NTX", rt.send("read"));
            assertEquals(E_OK, ntx.ntxUnmapRtSharedMemory(imported.handle()));
            assertThrows(IllegalStateException.class, () -> mapped.address().getString(0),
                    "the first unmap invalidates the pointer");
            assertEquals("EXITED", rt.send("exit"));
        }
    }

    @Test
    void whatAWindowsProcessCannotDoHereIsRefusedWithItsStatusNamingTheCapability() {
        try (LineProcess rt = IntimeDouble.rtProcess(store, "RTDATA", 4096, "x")) {
            int rtHandle = Integer.parseInt(rt.nextLine().substring("READY ".length()));
            NtxHandleResult root = ntx.ntxGetRootRtProcess();
            long memory = ntx.ntxImportRtHandle(rtHandle, root.handle()).handle();
            assertEquals(E_NTX_INTERNAL_ERROR, ntx.ntxCatalogNtxHandle(root.handle(), memory, "AGAIN"));
            ShmException refused = ntx.lastFailure().orElseThrow();
            assertEquals(ErrorReason.LOCATION, refused.reason());
            assertTrue(refused.getMessage().contains(BackendCapabilities.DIRECTORY + "="
                    + BackendCapabilities.DIRECTORY_LOOKUP), refused.getMessage());
            assertEquals(E_NTX_INTERNAL_ERROR, ntx.ntxGetLastRtError());

            NtxHandleResult allocated = ntx.ntxAllocateRtMemory(NTX_LOCAL, 4096);
            assertFalse(allocated.succeeded());
            assertEquals(ErrorReason.LOCATION, allocated.failure().reason());
            assertTrue(allocated.failure().getMessage().contains(BackendCapabilities.DESCRIPTOR_TABLES + "="
                    + BackendCapabilities.DESCRIPTOR_TABLES_IMPORT), allocated.failure().getMessage());
            assertEquals("EXITED", rt.send("exit"));
        }
    }

    @Test
    void anIntimeProcessDoesNotStartOverThisBackendAndSaysWhichCapabilityIsMissing() {
        ShmException refused = assertThrows(ShmException.class,
                () -> new IntimePersonality(backend, IntimeSettings.defaults()).close());
        assertEquals(ErrorReason.LOCATION, refused.reason());
        assertTrue(refused.getMessage().contains(BackendCapabilities.POOLS), refused.getMessage());
    }
}
