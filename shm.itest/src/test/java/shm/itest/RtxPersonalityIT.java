package shm.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertTrue;
import static shm.api.rtx.RtxConstants.ERROR_ALREADY_EXISTS;
import static shm.api.rtx.RtxConstants.ERROR_INVALID_HANDLE;
import static shm.api.rtx.RtxConstants.ERROR_INVALID_PARAMETER;
import static shm.api.rtx.RtxConstants.ERROR_SUCCESS;
import static shm.api.rtx.RtxConstants.PAGE_READWRITE;
import static shm.api.rtx.RtxConstants.SHM_MAP_WRITE;

import java.util.List;

import org.junit.Test;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.cm.ConfigurationAdminOptions;

import shm.api.MapOptions;
import shm.api.ObjectType;
import shm.api.rtx.RtxResult;
import shm.api.rtx.RtxSharedMemory;
import shm.api.spi.BackendHandle;
import shm.testkit.Await;

/**
 * The RTX personality in the framework: two factory configurations make two RTX "processes" over the mmap backend,
 * an RTSS one and a Windows one, and they give their different documented answers to the same call.
 */
public class RtxPersonalityIT extends ShmTestBase {

    private static final String RTSS = "(rtx.callerContext=RTSS_PROCESS)";
    private static final String WINDOWS = "(rtx.callerContext=WINDOWS_PROCESS)";

    /** Two configured instances of the personality. */
    @Override
    @Configuration
    public Option[] configuration() {
        return ShmFramework.forTest(getClass(),
                ConfigurationAdminOptions.factoryConfiguration("shm.personality.rtx")
                        .put("rtx.callerContext", "RTSS_PROCESS").asOption(),
                ConfigurationAdminOptions.factoryConfiguration("shm.personality.rtx")
                        .put("rtx.callerContext", "WINDOWS_PROCESS").asOption());
    }

    /** Re-creating with a smaller size: the RTSS instance shrinks the object, the Windows instance fails with 87. */
    @Test
    public void theTwoCallerContextsAnswerTheSameCallDifferently() {
        RtxSharedMemory rtss = services.await(RtxSharedMemory.class, RTSS, Await.DEADLINE);
        RtxSharedMemory windows = services.await(RtxSharedMemory.class, WINDOWS, Await.DEADLINE);
        assertEquals(2, services.references(RtxSharedMemory.class, null).size());

        RtxResult created = rtss.RtCreateSharedMemory(PAGE_READWRITE, 0, 8192, "itest.rtx");
        assertEquals(ERROR_SUCCESS, created.errorCode());
        created.location().setString(0, "from RTSS");

        RtxResult fromWindows = windows.RtCreateSharedMemory(PAGE_READWRITE, 0, 4096, "itest.rtx");
        assertFalse(fromWindows.succeeded());
        assertEquals(ERROR_INVALID_PARAMETER, fromWindows.errorCode());
        assertEquals(ERROR_INVALID_PARAMETER, windows.RtGetLastError());

        RtxResult fromRtss = rtss.RtCreateSharedMemory(PAGE_READWRITE, 0, 4096, "itest.rtx");
        assertTrue(fromRtss.succeeded());
        assertEquals(ERROR_ALREADY_EXISTS, fromRtss.errorCode());
        assertEquals(4096, fromRtss.location().byteSize());

        RtxResult opened = windows.RtOpenSharedMemory(SHM_MAP_WRITE, false, "itest.rtx");
        assertEquals("from RTSS", opened.location().getString(0));
        assertEquals("the RTSS re-create shrank the object", 4096, opened.location().byteSize());

        assertTrue(rtss.RtCloseHandle(created.handle()));
        assertTrue(rtss.RtCloseHandle(fromRtss.handle()));
        assertEquals(List.of("n.itest.rtx"), root.objectFiles());
        assertTrue(windows.RtCloseHandle(opened.handle()));
        assertEquals("the last RtCloseHandle destroyed the object", List.of(), root.objectFiles());
    }

    /** The shared namespace through the real backend: a name an event holds is refused with ERROR_INVALID_HANDLE. */
    @Test
    public void aNameHeldByAnotherTypeIsRefused() {
        RtxSharedMemory windows = services.await(RtxSharedMemory.class, WINDOWS, Await.DEADLINE);
        try (BackendHandle event = services.mmap().createOrOpen(ObjectType.EVENT, "itest.event", 64,
                MapOptions.DEFAULT)) {
            assertEquals(ERROR_INVALID_HANDLE,
                    windows.RtCreateSharedMemory(PAGE_READWRITE, 0, 64, "itest.event").errorCode());
        }
    }
}
