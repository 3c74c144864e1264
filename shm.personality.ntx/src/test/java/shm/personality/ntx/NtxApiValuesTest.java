package shm.personality.ntx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.ntx.NtxConstants.*;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import org.junit.jupiter.api.Test;

import shm.api.ErrorReason;
import shm.api.ShmException;
import shm.api.ntx.NtxConstants;
import shm.api.ntx.NtxHandleResult;
import shm.api.ntx.NtxMapResult;

/** The value types and numbers of {@code shm.api.ntx}: the header values, the handle encoding, result invariants. */
class NtxApiValuesTest {

    @Test
    void theNumbersAreThoseOfNtxH() {
        assertEquals(0x4, NTX_MAP_WRITE);
        assertEquals(0x10000, NTX_MAP_UNALIGNED);
        assertEquals(0x0006, E_EXIST);
        assertEquals(0x0007, E_STATE);
        assertEquals(0x8002, E_TYPE);
        assertEquals(0x80F1, E_ALIGNMENT);
        assertEquals(0x8F02, E_LOCATION);
        assertEquals(0x1001, E_NTX_INTERNAL_ERROR);
        assertEquals(0xFFFFF000L, NTX_MAX_MAP_SIZE);
        assertEquals(-1L, NTX_BAD_NTXHANDLE);
    }

    @Test
    void anNtxHandleCarriesItsRtHandleInTheLow16Bits() {
        for (int rt : new int[] {0x0004, 0x0008, 0x1234, 0xFFF8}) {
            long h = NtxConstants.ntxHandleOf(rt);
            assertTrue(NtxConstants.isNtxHandle(h));
            assertEquals(rt, NtxConstants.exportRtHandle(h));
        }
        assertFalse(NtxConstants.isNtxHandle(0x0008), "a raw RTHANDLE");
        assertFalse(NtxConstants.isNtxHandle(0x10008), "an iwin32 handle");
        assertFalse(NtxConstants.isNtxHandle(NTX_BAD_NTXHANDLE));
        assertFalse(NtxConstants.isNtxHandle(0x1_4E58_0008L), "bits above the tag");
        assertThrows(IllegalArgumentException.class, () -> NtxConstants.ntxHandleOf(0x10000));
        assertThrows(IllegalArgumentException.class, () -> NtxConstants.ntxHandleOf(-1));
    }

    @Test
    void aResultIsASuccessWithEOkOrAFailureWithItsReason() {
        ShmException failure = new ShmException(ErrorReason.WRONG_STATE, null, "test");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = arena.allocate(16);
            assertTrue(new NtxMapResult(memory, E_OK, null).succeeded());
            assertThrows(IllegalArgumentException.class, () -> new NtxMapResult(memory, E_STATE, null));
            assertThrows(IllegalArgumentException.class, () -> new NtxMapResult(memory, E_STATE, failure));
        }
        assertEquals(failure, new NtxMapResult(MemorySegment.NULL, E_STATE, failure).error().orElseThrow());
        assertThrows(IllegalArgumentException.class, () -> new NtxMapResult(MemorySegment.NULL, E_OK, failure));
        assertThrows(IllegalArgumentException.class, () -> new NtxMapResult(MemorySegment.NULL, E_OK, null));

        assertTrue(new NtxHandleResult(ntxHandleOf(8), E_OK, null).succeeded());
        assertFalse(new NtxHandleResult(NTX_BAD_NTXHANDLE, E_EXIST, failure).succeeded());
        assertThrows(IllegalArgumentException.class, () -> new NtxHandleResult(NTX_BAD_NTXHANDLE, E_OK, null));
        assertThrows(IllegalArgumentException.class, () -> new NtxHandleResult(8, E_EXIST, failure));
    }
}
