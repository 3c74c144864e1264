package shm.api.vendor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.intime.IntimeConstants.*;
import static shm.api.ntx.NtxConstants.*;
import static shm.api.rtx.RtxConstants.*;

import org.junit.jupiter.api.Test;

/**
 * Code that includes {@code rtapi.h}, {@code rt.h} and {@code ntx.h} together ports with the three constants classes
 * imported together: a number both headers define is one field, so no use is ambiguous (this class would not compile
 * otherwise), and {@code NT_SUCCESS} reads RTX64 statuses as C does.
 */
class ConstantsImportTogetherTest {

    @Test
    void theSharedNumbersAreOneDeclarationEach() {
        assertEquals(0, E_OK);
        assertEquals(0x0006, E_EXIST);
        assertEquals(0x8F02, E_LOCATION);
        assertEquals(0x1001, E_NTX_INTERNAL_ERROR);
        assertEquals(4096, PAGE_SIZE);
        assertEquals(0, ERROR_SUCCESS);
        assertEquals(183, ERROR_ALREADY_EXISTS);
        assertEquals(0x80, WAIT_ABANDONED);
        assertEquals(WAIT_ABANDONED_0, WAIT_ABANDONED);
        assertEquals(0x102, WAIT_TIMEOUT);
        assertEquals(0xFFFFFFFF, INFINITE);
        assertEquals(0x4, NTX_MAP_WRITE);
        assertEquals(2, SHM_MAP_WRITE);
        assertEquals(0xFFFF, BAD_RTHANDLE);
    }

    @Test
    void ntSuccessIsTrueForSuccessAndInformationalStatusesOnly() {
        assertTrue(NT_SUCCESS(STATUS_SUCCESS));
        assertTrue(NT_SUCCESS(STATUS_OBJECT_NAME_EXISTS), "0x40000000 is an informational success");
        assertTrue(NT_SUCCESS(0x7FFFFFFF));
        assertFalse(NT_SUCCESS(0x80000005), "a warning is not a success");
        assertFalse(NT_SUCCESS(STATUS_UNSUCCESSFUL));
        assertFalse(NT_SUCCESS(STATUS_INVALID_PARAMETER));
    }
}
