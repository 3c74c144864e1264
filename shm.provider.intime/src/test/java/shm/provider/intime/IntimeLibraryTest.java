package shm.provider.intime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import shm.provider.win32.LibraryUnavailableException;

/** A missing NTX library and an NTX library without NTX's entry points are named, with the symbol. */
class IntimeLibraryTest {

    @Test
    void aMissingNtxLibraryIsNamed(@TempDir Path dir) {
        String lib = IntimeDouble.library().toString();
        String absent = dir.resolve("ntx64.dll").toString();
        LibraryUnavailableException e = assertThrows(LibraryUnavailableException.class,
                () -> IntimeBackendFactory.open(lib, absent, lib, "", "NodeA"));
        assertEquals(absent, e.library());
    }

    @Test
    void anNtxLibraryWithoutNtxIsNamedWithTheFirstMissingSymbol() {
        String lib = IntimeDouble.library().toString();
        LibraryUnavailableException e = assertThrows(LibraryUnavailableException.class,
                () -> IntimeBackendFactory.open(lib, "libc.so.6", lib, "", "NodeA"));
        assertEquals("libc.so.6", e.library());
        assertEquals("ntxGetRootRtProcess", e.symbol());
    }
}
