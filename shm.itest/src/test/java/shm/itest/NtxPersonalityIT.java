package shm.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertSame;
import static shm.api.intime.IntimeConstants.BAD_RTHANDLE;
import static shm.api.ntx.NtxConstants.E_STATE;

import org.junit.Test;

import shm.api.intime.IntimeKernelMemory;
import shm.api.intime.RtHandleResult;
import shm.api.intime.RtMemoryResult;
import shm.api.ntx.NtxHandleResult;
import shm.api.ntx.NtxMapResult;
import shm.api.ntx.NtxSharedMemory;
import shm.testkit.Await;

/**
 * The NTX personality in the framework, over the same backend as the INtime personality: the Windows side maps an
 * RT memory handle, a second map is the same mapping, and the first unmap ends it.
 */
public class NtxPersonalityIT extends ShmTestBase {

    /** An INtime memory handle, imported and mapped through NTX, shows the RT side's bytes. */
    @Test
    public void theWindowsSideMapsAnRtMemoryHandle() {
        IntimeKernelMemory rt = services.await(IntimeKernelMemory.class, null, Await.DEADLINE);
        NtxSharedMemory ntx = services.await(NtxSharedMemory.class, null, Await.DEADLINE);
        RtMemoryResult memory = rt.AllocateRtMemory(4096);
        memory.address().setString(0, "from the RT side");
        RtHandleResult rtHandle = rt.CreateRtMemoryHandle(memory.address(), 4096);
        assertNotEquals(BAD_RTHANDLE, rtHandle.handle());
        NtxHandleResult imported = ntx.ntxImportRtHandle(rtHandle.handle(), ntx.ntxGetRootRtProcess().handle());
        NtxMapResult first = ntx.ntxMapRtSharedMemory(imported.handle());
        assertEquals("from the RT side", first.address().getString(0));
        NtxMapResult second = ntx.ntxMapRtSharedMemory(imported.handle());
        assertSame("mapping twice returns the same mapping", first.address(), second.address());
        assertEquals(0, ntx.ntxUnmapRtSharedMemory(imported.handle()));
        assertEquals("the first unmap ended it", E_STATE, ntx.ntxUnmapRtSharedMemory(imported.handle()));
        rt.DeleteRtMemoryHandle(rtHandle.handle());
        rt.FreeRtMemory(memory.address());
    }
}
