package shm.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class ValueTypesTest {

    @Test
    void vendorErrorPrintsSymbolDecimalAndHex() {
        assertEquals("ERROR_ALREADY_EXISTS (183, 0xB7)", VendorError.win32(183, "ERROR_ALREADY_EXISTS").toString());
        assertEquals("STATUS_INVALID_HANDLE (3221225480, 0xC0000008)",
                VendorError.ntStatus(0xC0000008L, "STATUS_INVALID_HANDLE").toString());
        assertEquals(VendorError.Space.INTIME, VendorError.intime(0x0C, "E_SLOT").space());
    }

    @Test
    void vendorErrorNeedsSymbol() {
        assertThrows(IllegalArgumentException.class, () -> VendorError.win32(6, " "));
        assertThrows(NullPointerException.class, () -> new VendorError(null, 6, "ERROR_INVALID_HANDLE"));
    }

    @Test
    void exceptionMessageNamesObjectRuleReasonAndVendorNumber() {
        ShmException e = new ShmException(ErrorReason.NAME_USED_BY_OTHER_TYPE, "pump.state",
                "the name is held by an EVENT", VendorError.win32(6, "ERROR_INVALID_HANDLE"), null);
        assertEquals("'pump.state': the name is held by an EVENT (NAME_USED_BY_OTHER_TYPE) "
                + "[ERROR_INVALID_HANDLE (6, 0x6)]", e.getMessage());
        assertEquals(ErrorReason.NAME_USED_BY_OTHER_TYPE, e.reason());
        assertEquals("pump.state", e.objectName().orElseThrow());
        assertEquals(6, e.vendorError().orElseThrow().value());
    }

    @Test
    void exceptionMessageForUnnamedObjectAndNoVendor() {
        ShmException e = new ShmException(ErrorReason.INVALID_PARAMETER, null, "size must be at least 1 byte");
        assertEquals("unnamed object: size must be at least 1 byte (INVALID_PARAMETER)", e.getMessage());
        assertTrue(e.objectName().isEmpty());
        assertTrue(e.vendorError().isEmpty());
    }

    @Test
    void exceptionMessageStaysOneLineForControlCharactersAndLongNames() {
        ShmException e = new ShmException(ErrorReason.INVALID_NAME, "a\nb\u0000" + "x".repeat(500), "bad");
        assertFalse(e.getMessage().contains("\n"));
        assertTrue(e.getMessage().startsWith("'a\\u000Ab\\u0000xxx"));
        assertTrue(e.getMessage().length() < 300, e.getMessage());
    }

    @Test
    void mapOptionsWithers() {
        MapOptions o = MapOptions.DEFAULT.withAccess(Access.READ_ONLY).withLockPages(true).withPrefault(true);
        assertEquals(new MapOptions(Access.READ_ONLY, true, true), o);
        assertEquals(Access.READ_WRITE, MapOptions.DEFAULT.access());
        assertThrows(NullPointerException.class, () -> new MapOptions(null, false, false));
        MapOptions shared = o.withConfined(true).withShareMapping(true);
        assertEquals(new MapOptions(Access.READ_ONLY, true, true, true, true), shared);
        assertFalse(MapOptions.DEFAULT.shareMapping());
        assertTrue(shared.withAccess(Access.READ_WRITE).shareMapping(), "the withers keep the other options");
        assertEquals(new MapOptions(Access.READ_ONLY, true, true, true, false), shared.withShareMapping(false));
    }

    @Test
    void objectInfoChecksSizesAndCopiesHolders() {
        List<HolderInfo> holders = new ArrayList<>(List.of(new HolderInfo(10, 2), new HolderInfo(11, 1)));
        ObjectInfo info = new ObjectInfo("a", ObjectType.SHARED_MEMORY, 4096, 100, holders);
        holders.clear();
        assertEquals(2, info.holders().size());
        assertEquals(3, info.handleCount());
        assertThrows(IllegalArgumentException.class,
                () -> new ObjectInfo("a", ObjectType.SHARED_MEMORY, 10, 11, List.of()));
        assertThrows(IllegalArgumentException.class,
                () -> new ObjectInfo("a", ObjectType.SHARED_MEMORY, -1, 0, List.of()));
        assertThrows(IllegalArgumentException.class, () -> new HolderInfo(0, 1));
        assertThrows(IllegalArgumentException.class, () -> new HolderInfo(5, 0));
    }

    @Test
    void mappingEventKindsAndBackends() {
        SharedMemory handle = new ClosedHandle();
        MappingEvent remap = new MappingEvent(handle, MappingEvent.Kind.REMAPPED, "mmap", "rtx");
        assertSame(handle, remap.handle());
        assertThrows(IllegalArgumentException.class,
                () -> new MappingEvent(handle, MappingEvent.Kind.REMAPPED, "mmap", null));
        assertThrows(IllegalArgumentException.class,
                () -> new MappingEvent(handle, MappingEvent.Kind.LOST, "mmap", "rtx"));
    }

    /** The smallest honest handle: one that is closed. */
    private static final class ClosedHandle implements SharedMemory {
        @Override public java.util.Optional<String> name() { return java.util.Optional.empty(); }
        @Override public long byteSize() { return 0; }
        @Override public boolean alreadyExisted() { return false; }
        @Override public java.lang.foreign.MemorySegment segment() {
            throw new ShmException(ErrorReason.CLOSED, null, "closed");
        }
        @Override public boolean isOpen() { return false; }
        @Override public void addMappingListener(MappingListener listener) { }
        @Override public void removeMappingListener(MappingListener listener) { }
        @Override public void close() { }
    }
}
