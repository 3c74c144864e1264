package shm.provider.rtx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.rtx.RtxConstants.ERROR_INVALID_PARAMETER;
import static shm.api.rtx.RtxConstants.PAGE_READWRITE;

import org.junit.jupiter.api.Test;

import shm.api.ErrorReason;
import shm.api.rtx.RtxResult;
import shm.api.spi.BackendCapabilities;
import shm.personality.rtx.RtxPersonality;
import shm.personality.rtx.RtxSettings;
import shm.provider.win32.Win32Backend;
import shm.testkit.TestDoubleStore;

/**
 * The RTX personality bound to this backend as the framework binds it (with the service properties the component
 * registers) refuses a name longer than the backend's published {@code shm.backend.maxNameLength} (256, RTX64's RTAPI)
 * itself, with ERROR_INVALID_PARAMETER and a message naming the capability, although {@code RTX_MAX_PATH} is 260.
 */
class RtxNameLimitTest {

    @Test
    void theRtxPersonalityRefusesANameLongerThanThePublishedLimitWith87() {
        try (TestDoubleStore store = new TestDoubleStore(RtxDouble.library());
             Win32Backend backend = RtxDouble.backend();
             RtxPersonality rtss = new RtxPersonality(RtxSettings.defaults())) {
            assertEquals(RtxBackendFactory.MAX_NAME_LENGTH,
                    backend.capabilities().properties().get(BackendCapabilities.MAX_NAME_LENGTH));
            rtss.useBackend(backend, backend.capabilities().properties());
            String longest = "n".repeat(RtxBackendFactory.MAX_NAME_LENGTH);
            RtxResult created = rtss.RtCreateSharedMemory(PAGE_READWRITE, 0, 64, longest);
            assertTrue(created.succeeded(), String.valueOf(created.failure()));
            assertEquals(1, store.handleCount(longest));

            String tooLong = longest + "n";
            RtxResult refused = rtss.RtCreateSharedMemory(PAGE_READWRITE, 0, 64, tooLong);
            assertEquals(ERROR_INVALID_PARAMETER, refused.errorCode());
            assertEquals(ErrorReason.INVALID_NAME, refused.failure().reason());
            assertTrue(refused.failure().getMessage().contains("limited to 256 characters by the bound backend rtx ("
                    + BackendCapabilities.MAX_NAME_LENGTH + ")"), refused.failure().getMessage());
            assertEquals(ERROR_INVALID_PARAMETER, rtss.RtCreateEvent(true, false, tooLong).errorCode());
            assertEquals(-1, store.handleCount(tooLong), "nothing was created");
        }
    }
}
