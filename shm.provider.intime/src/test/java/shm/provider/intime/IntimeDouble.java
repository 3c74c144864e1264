package shm.provider.intime;

import java.nio.file.Path;
import java.util.List;

import shm.provider.win32.LibraryUnavailableException;
import shm.provider.win32.Win32Backend;
import shm.testkit.LineProcess;
import shm.testkit.TestDoubleStore;

/** The iwin32x + NTX test double of this module's test build, its C RT-process stand-in, and backends over them. */
final class IntimeDouble {

    static Path library() {
        return TestDoubleStore.libraryFromProperty("shm.testdouble.intime");
    }

    /** A backend whose iwin32x, NTX and system libraries are all the double. */
    static Win32Backend backend() {
        String lib = library().toString();
        try {
            return IntimeBackendFactory.open(lib, lib, lib, "", "NodeA");
        } catch (LibraryUnavailableException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    /**
     * A C "RT process" of the double that allocates {@code size} bytes, catalogs them as {@code name} in the root
     * directory and writes {@code text}; answers "READY rthandle".
     */
    static LineProcess rtProcess(TestDoubleStore store, String name, int size, String text) {
        Path peer = TestDoubleStore.libraryFromProperty("shm.testdouble.intime.rtpeer");
        return LineProcess.start("rt-process", List.of(peer.toString(), name, String.valueOf(size), text),
                store.environment());
    }

    private IntimeDouble() {
    }
}
