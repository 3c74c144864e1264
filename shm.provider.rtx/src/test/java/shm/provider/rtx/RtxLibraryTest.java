package shm.provider.rtx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import shm.api.MapOptions;
import shm.api.ObjectType;
import shm.provider.win32.LibraryUnavailableException;
import shm.provider.win32.Win32Backend;
import shm.testkit.TestDoubleStore;

/** A missing library, a missing symbol, and closing the backend unloading the library so a changed one is loaded. */
class RtxLibraryTest {

    @Test
    void aMissingLibraryIsNamedAndNothingIsBound(@TempDir Path dir) {
        String absent = dir.resolve("RtApi.dll").toString();
        LibraryUnavailableException e = assertThrows(LibraryUnavailableException.class,
                () -> RtxBackendFactory.open(absent, absent, ""));
        assertEquals(absent, e.library());
        assertNull(e.symbol());
        assertTrue(e.getMessage().startsWith("library '" + absent + "' cannot be loaded"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
    }

    @Test
    void aMissingSymbolIsNamedWithItsLibraryAndTheLibraryIsLetGo() throws IOException {
        String lib = RtxDouble.libraryWithoutPulse().toString();
        LibraryUnavailableException e = assertThrows(LibraryUnavailableException.class,
                () -> RtxBackendFactory.open(lib, lib, ""));
        assertEquals("RtPulseEvent", e.symbol());
        assertEquals("library '" + lib + "' has no entry point 'RtPulseEvent': the symbol is not exported (wrong"
                + " library or version?)", e.getMessage());
        assertFalse(mapped(lib), "the refused library is unloaded again");
    }

    @Test
    void closingTheBackendUnloadsTheLibraryAndAChangedLibraryIsPickedUp(@TempDir Path dir) throws Exception {
        Path copy = dir.resolve("RtApi-copy.so");
        Files.copy(RtxDouble.library(), copy);
        try (TestDoubleStore store = new TestDoubleStore(copy)) {
            Win32Backend backend = RtxBackendFactory.open(copy.toString(), copy.toString(), "");
            try (var h = backend.createOrOpen(ObjectType.SHARED_MEMORY, "unload", 64, MapOptions.DEFAULT)) {
                assertEquals(1, store.handleCount("unload"));
            }
            assertTrue(mapped(copy.toString()));
            backend.close();
        }
        assertFalse(mapped(copy.toString()), "no arena holds the library any more: dlclose unmapped it");

        Files.copy(RtxDouble.libraryWithoutPulse(), copy, StandardCopyOption.REPLACE_EXISTING);
        LibraryUnavailableException changed = assertThrows(LibraryUnavailableException.class,
                () -> RtxBackendFactory.open(copy.toString(), copy.toString(), ""));
        assertEquals("RtPulseEvent", changed.symbol(), "the new file was loaded, not a cached old one");
    }

    private static boolean mapped(String path) throws IOException {
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().anyMatch(l -> l.endsWith(path));
    }
}
