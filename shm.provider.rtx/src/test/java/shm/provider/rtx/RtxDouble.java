package shm.provider.rtx;

import java.nio.file.Path;

import shm.provider.win32.LibraryUnavailableException;
import shm.provider.win32.Win32Backend;
import shm.testkit.TestDoubleStore;

/** The RtApi.dll test double of this module's test build and how the tests open backends over it. */
final class RtxDouble {

    /** The test double, built by the test build from src/test/c. */
    static Path library() {
        return TestDoubleStore.libraryFromProperty("shm.testdouble.rtapi");
    }

    /** The same double without RtPulseEvent: the "missing symbol" library. */
    static Path libraryWithoutPulse() {
        return TestDoubleStore.libraryFromProperty("shm.testdouble.rtapi.nopulse");
    }

    /** A backend over the double; the double also stands in for kernel32's VirtualQuery. */
    static Win32Backend backend() {
        try {
            return RtxBackendFactory.open(library().toString(), library().toString(), "");
        } catch (LibraryUnavailableException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    private RtxDouble() {
    }
}
