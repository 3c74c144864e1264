package shm.personality.rtx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.rtx.RtxConstants.*;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.ErrorReason;
import shm.api.rtx.RtxResult;
import shm.api.spi.BackendCapabilities;

/**
 * The RTX rules consult the bound backend's {@code shm.backend.maxNameLength} (RTX64's RTAPI takes 256 characters,
 * below {@code RTX_MAX_PATH}): a longer name is refused before the backend is asked, with the RTX number of a name too
 * long (87, or {@code STATUS_INVALID_PARAMETER} from the RTX64 kernel calls) and a message naming the capability.
 * Over the mmap backend, which takes longer names, these tests fail without the check (issue 11).
 */
class BackendNameLimitTest {

    /** What the RTX64 backend publishes. */
    private static final int BACKEND_LIMIT = 256;

    @RegisterExtension
    final RtxFixture store = new RtxFixture();

    private RtxPersonality overALimitedBackend(Flavour flavour) {
        RtxPersonality process = store.process(CallerContext.RTSS_PROCESS, flavour);
        process.useBackend(store.backend, Map.of(BackendCapabilities.MAX_NAME_LENGTH, BACKEND_LIMIT));
        return process;
    }

    private static void assertRefusedNamingTheCapability(RtxResult result, int expected) {
        assertEquals(expected, result.errorCode());
        assertEquals(ErrorReason.INVALID_NAME, result.failure().reason());
        assertTrue(result.failure().getMessage().contains(BackendCapabilities.MAX_NAME_LENGTH),
                result.failure().getMessage());
        assertTrue(result.failure().getMessage().contains("limited to " + BACKEND_LIMIT), result.failure().getMessage());
    }

    @Test
    void aNameAsLongAsTheBackendTakesIsCreated() {
        RtxPersonality rtss = overALimitedBackend(Flavour.LEGACY_RTX);
        assertTrue(rtss.RtCreateSharedMemory(PAGE_READWRITE, 0, 64, "n".repeat(BACKEND_LIMIT)).succeeded());
    }

    @Test
    void aLongerNameIsRefusedWith87AndNothingIsCreated() {
        RtxPersonality rtss = overALimitedBackend(Flavour.LEGACY_RTX);
        String name = "n".repeat(BACKEND_LIMIT + 1);
        assertRefusedNamingTheCapability(rtss.RtCreateSharedMemory(PAGE_READWRITE, 0, 64, name),
                ERROR_INVALID_PARAMETER);
        assertEquals(ERROR_INVALID_PARAMETER, rtss.RtGetLastError());
        assertRefusedNamingTheCapability(rtss.RtOpenSharedMemory(SHM_MAP_READ, false, name), ERROR_INVALID_PARAMETER);
        assertTrue(store.backend.lookup(name).isEmpty(), "nothing was created");
    }

    @Test
    void theRtx64KernelCallsRefuseItWithTheirNtStatus() {
        RtxPersonality rtx64 = overALimitedBackend(Flavour.RTX64);
        long inst = rtx64.RtkRtssAttach(1).value();
        String name = "k".repeat(RTX_MAX_PATH);
        assertRefusedNamingTheCapability(rtx64.RtkCreateSharedMemory(inst, PAGE_READWRITE, 0, 64, name),
                STATUS_INVALID_PARAMETER);
        assertTrue(store.backend.lookup(name).isEmpty(), "nothing was created");
    }

    @Test
    void eventsMutexesAndSemaphoresHaveTheSameLimit() {
        RtxPersonality rtss = overALimitedBackend(Flavour.LEGACY_RTX);
        String name = "s".repeat(BACKEND_LIMIT + 1);
        assertRefusedNamingTheCapability(rtss.RtCreateEvent(true, false, name), ERROR_INVALID_PARAMETER);
        assertRefusedNamingTheCapability(rtss.RtCreateMutex(false, name), ERROR_INVALID_PARAMETER);
        assertRefusedNamingTheCapability(rtss.RtCreateSemaphore(0, 1, name), ERROR_INVALID_PARAMETER);
        assertTrue(store.backend.lookup(name).isEmpty(), "nothing was created");
        assertTrue(rtss.RtCreateEvent(true, false, "s".repeat(BACKEND_LIMIT)).succeeded());
    }
}
