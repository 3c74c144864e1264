package shm.personality.rtx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.rtx.RtxConstants.*;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.api.ErrorReason;
import shm.api.rtx.RtxResult;
import shm.provider.mmap.MmapSettings;

/**
 * Seed 000, the legacy RTX {@code RtkCreateSharedMemory} page: one test per sentence that states behaviour, named
 * after it. The personality runs in its default flavour, legacy RTX, whose Rtk* calls report Win32 codes in
 * {@code *pErrorCode}.
 */
class Seed000RtkCreateSharedMemoryTest {

    @RegisterExtension
    final RtxFixture store = new RtxFixture();
    private final RtxPersonality driver = store.process(CallerContext.RTSS_PROCESS, Flavour.LEGACY_RTX);
    private final long inst = driver.RtkRtssAttach(1).value();

    private RtxResult create(int high, int low, String name) {
        return driver.RtkCreateSharedMemory(inst, PAGE_READWRITE, high, low, name);
    }

    @Test
    void createsANamedRegionOfPhysicalMemoryThatCanBeMappedByAnyProcess() {
        RtxResult created = create(0, 4096, "region");
        created.location().setString(0, "physical");
        RtxPersonality otherProcess = store.windows();
        RtxResult mapped = otherProcess.RtOpenSharedMemory(SHM_MAP_READ, false, "region");
        assertTrue(mapped.succeeded());
        assertEquals("physical", mapped.location().getString(0));
    }

    @Test
    void rtssInstIsAValueReturnedFromRtkRtssAttach() {
        assertTrue(inst != 0);
        RtxResult unknown = driver.RtkCreateSharedMemory(inst + 1000, 0, 0, 4096, "x");
        assertFalse(unknown.succeeded());
        assertEquals(ERROR_INVALID_PARAMETER, unknown.errorCode());
        assertEquals(0, driver.RtkRtssAttach(0).value(), "MaxWFSO must be at least 1");
    }

    @Test
    void pErrorCodeIsSetToNullIfNoErrorOccurred() {
        assertEquals(ERROR_SUCCESS, create(0, 100, "fresh").errorCode());
    }

    @Test
    void flProtectIsIgnoredByRtss() {
        for (int protect : new int[] {0, PAGE_READONLY, PAGE_READWRITE, 0x1234}) {
            RtxResult r = driver.RtkCreateSharedMemory(inst, protect, 0, 64, "protect-" + protect);
            assertTrue(r.succeeded(), "flProtect " + protect);
            r.location().set(ValueLayout.JAVA_BYTE, 0, (byte) 1);
        }
    }

    @Test
    void maximumSizeHighIsTheHighOrder32BitsAndMayOnlyBeZero() {
        RtxResult r = create(1, 4096, "high");
        assertFalse(r.succeeded());
        assertEquals(ERROR_INVALID_PARAMETER, r.errorCode());
        assertEquals(ErrorReason.INVALID_PARAMETER, r.failure().reason());
        assertTrue(r.failure().getMessage().contains("MaximumSizeHigh must be 0"), r.failure().getMessage());
    }

    @Test
    void maximumSizeLowIsTheLowOrder32BitsReadUnsigned() throws IOException {
        try (RtxFixture sparse = new RtxFixture(MmapSettings.under(java.nio.file.Path.of("/dev/shm/unused"))
                .withReserveSpace(false))) {
            RtxPersonality p = sparse.rtss();
            long i = p.RtkRtssAttach(1).value();
            RtxResult big = p.RtkCreateSharedMemory(i, 0, 0, 0x80001000, "above-2GiB");
            assertTrue(big.succeeded(), () -> big.failure().getMessage());
            assertEquals(0x80001000L, big.location().byteSize());
        }
    }

    @Test
    void theNameIsLimitedToRtxMaxPathCharacters() {
        assertTrue(create(0, 8, "n".repeat(RTX_MAX_PATH)).succeeded());
        RtxResult tooLong = create(0, 8, "n".repeat(RTX_MAX_PATH + 1));
        assertFalse(tooLong.succeeded());
        assertEquals(ERROR_INVALID_PARAMETER, tooLong.errorCode());
        assertEquals(ErrorReason.INVALID_NAME, tooLong.failure().reason());
    }

    @Test
    void theNameCanContainAnyCharacterExceptTheBackslash() {
        assertTrue(create(0, 8, "any / chars: äß 漢字 .. %").succeeded());
        RtxResult backslash = create(0, 8, "Global\\x");
        assertFalse(backslash.succeeded());
        assertEquals(ERROR_INVALID_PARAMETER, backslash.errorCode());
        assertEquals(MemorySegment.NULL, backslash.location());
        assertEquals(java.util.List.of(), store.backend.lookup("Global\\x").stream().toList());
    }

    @Test
    void nameComparisonIsCaseSensitive() {
        RtxResult upper = create(0, 8, "Pump");
        RtxResult lower = create(0, 8, "pump");
        assertFalse(lower.alreadyExisted());
        upper.location().setString(0, "U");
        lower.location().setString(0, "l");
        assertEquals("U", upper.location().getString(0));
    }

    @Test
    void aMatchingNameRequestsAccessToTheExistingObject() {
        RtxResult first = create(0, 64, "match");
        first.location().setString(0, "shared");
        RtxResult second = create(0, 64, "match");
        assertTrue(second.alreadyExisted());
        assertEquals("shared", second.location().getString(0));
    }

    @Test
    void locationReceivesTheVirtualAddressOfTheSharedMemory() {
        RtxResult r = create(0, 5000, "where");
        assertNotEquals(0, r.location().address());
        assertEquals(0, r.location().address() % 4096);
        assertEquals(5000, r.location().byteSize());
    }

    @Test
    void returnsAHandleIfTheFunctionSucceedsAndNullIfItFails() {
        RtxResult ok = create(0, 8, "ok");
        assertNotEquals(0, ok.handle());
        RtxResult failed = create(0, 0, "zero");
        assertEquals(0, failed.handle());
        assertEquals(MemorySegment.NULL, failed.location());
        assertEquals(ERROR_INVALID_PARAMETER, failed.errorCode());
    }

    @Test
    void ifTheObjectExistedErrorCodeIsErrorAlreadyExistsAndTheHandleIsValid() {
        create(0, 8, "existed");
        RtxResult again = create(0, 8, "existed");
        assertEquals(ERROR_ALREADY_EXISTS, again.errorCode());
        assertTrue(again.succeeded());
        assertEquals(ERROR_SUCCESS, driver.RtkCloseHandle(inst, again.handle()));
    }

    @Test
    void aDifferentSizeNeverChangesTheSizeOfTheExistingObject() {
        create(0, 4096, "fixed");
        RtxResult smaller = create(0, 100, "fixed");
        RtxResult larger = create(0, 100_000, "fixed");
        assertEquals(4096, smaller.location().byteSize());
        assertEquals(4096, larger.location().byteSize());
        assertEquals(ERROR_ALREADY_EXISTS, larger.errorCode());
        assertEquals(4096, store.backend.lookup("fixed").orElseThrow().logicalSize());
    }

    @Test
    void theHandleHasFullAccess() {
        RtxResult r = driver.RtkCreateSharedMemory(inst, PAGE_READONLY, 0, 64, "full");
        assertFalse(r.location().isReadOnly());
        r.location().set(ValueLayout.JAVA_LONG, 0, 42L);
        assertEquals(42L, r.location().get(ValueLayout.JAVA_LONG, 0));
    }

    @Test
    void sharedMemoryObjectsCanBeSharedByNameThroughRtkOpenSharedMemory() {
        create(0, 64, "by-name").location().setString(0, "hello");
        RtxResult opened = driver.RtkOpenSharedMemory(inst, SHM_MAP_WRITE, false, "by-name");
        assertTrue(opened.succeeded());
        assertEquals("hello", opened.location().getString(0));
    }

    @Test
    void toFullyCloseCallRtkCloseHandle() {
        RtxResult r = create(0, 64, "closing");
        assertEquals(ERROR_SUCCESS, driver.RtkCloseHandle(inst, r.handle()));
        assertEquals(ERROR_INVALID_HANDLE, driver.RtkCloseHandle(inst, r.handle()), "the handle is gone");
        assertTrue(store.backend.lookup("closing").isEmpty());
    }

    @Test
    void whenAllHandlesAreClosedTheObjectIsDestroyedAndTheMemoryReturned() {
        RtxResult a = create(0, 64, "last");
        RtxResult b = driver.RtkOpenSharedMemory(inst, SHM_MAP_WRITE, false, "last");
        MemorySegment view = a.location();
        driver.RtkCloseHandle(inst, a.handle());
        assertEquals(java.util.List.of("n.last"), store.objectFiles(), "one handle still holds it");
        driver.RtkCloseHandle(inst, b.handle());
        assertEquals(java.util.List.of(), store.objectFiles());
        assertTrue(store.backend.lookup("last").isEmpty());
        org.junit.jupiter.api.Assertions.assertThrows(IllegalStateException.class,
                () -> view.get(ValueLayout.JAVA_BYTE, 0), "the mapping is gone, no crash");
    }
}
