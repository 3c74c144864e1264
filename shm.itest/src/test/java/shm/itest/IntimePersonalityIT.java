package shm.itest;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotEquals;
import static org.junit.Assert.assertTrue;
import static shm.api.intime.IntimeConstants.BAD_RTHANDLE;
import static shm.api.intime.IntimeConstants.ERROR_ALREADY_EXISTS;
import static shm.api.intime.IntimeConstants.E_OK;
import static shm.api.rtx.RtxConstants.PAGE_READWRITE;

import java.lang.foreign.MemorySegment;
import java.util.List;

import org.junit.Test;

import shm.api.intime.IntimeKernelMemory;
import shm.api.intime.Iwin32Result;
import shm.api.intime.Iwin32SharedMemory;
import shm.api.intime.RtHandleResult;
import shm.api.intime.RtMemoryResult;
import shm.api.rtx.RtxResult;
import shm.api.rtx.RtxSharedMemory;
import shm.testkit.Await;

/**
 * The INtime personality in the framework, beside the RTX one, over the same mmap backend: the default instance's
 * services register, kernel memory handles map, and an object created through RTX is the same object for iwin32
 * (one namespace, one store).
 */
public class IntimePersonalityIT extends ShmTestBase {

    /** A memory handle made from allocated memory maps the same bytes. */
    @Test
    public void kernelMemoryHandlesMapTheSameBytes() {
        IntimeKernelMemory kernel = services.await(IntimeKernelMemory.class, null, Await.DEADLINE);
        RtMemoryResult memory = kernel.AllocateRtMemory(8192);
        assertEquals(E_OK, memory.status());
        memory.address().setString(0, "kernel");
        RtHandleResult handle = kernel.CreateRtMemoryHandle(memory.address(), 8192);
        assertNotEquals(BAD_RTHANDLE, handle.handle());
        RtMemoryResult mapped = kernel.MapRtSharedMemory(handle.handle());
        assertEquals("kernel", mapped.address().getString(0));
        assertTrue(kernel.DeleteRtMemoryHandle(handle.handle()));
        assertEquals("FreeRtMemory answers the bytes it freed", 8192, kernel.FreeRtMemory(memory.address()));
    }

    /** RTX and iwin32 see one namespace over one backend: an object made by one is opened by the other. */
    @Test
    public void rtxAndIwin32ShareOneNamespace() {
        RtxSharedMemory rtx = services.await(RtxSharedMemory.class, null, Await.DEADLINE);
        Iwin32SharedMemory iwin32 = services.await(Iwin32SharedMemory.class, null, Await.DEADLINE);
        RtxResult made = rtx.RtCreateSharedMemory(PAGE_READWRITE, 0, 4096, "itest.shared");
        made.location().setString(0, "from RTX");
        Iwin32Result opened = iwin32.RtCreateSharedMemory(0, 0, 4096, "itest.shared");
        assertEquals(ERROR_ALREADY_EXISTS, opened.errorCode());
        MemorySegment view = opened.location();
        assertEquals("from RTX", view.getString(0));
        assertTrue(iwin32.CloseHandle(opened.handle()));
        assertTrue(rtx.RtCloseHandle(made.handle()));
        assertEquals(List.of(), root.objectFiles());
    }
}
