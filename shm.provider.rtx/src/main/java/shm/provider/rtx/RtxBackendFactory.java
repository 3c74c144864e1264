package shm.provider.rtx;

import shm.api.spi.BackendCapabilities;
import shm.provider.win32.Capabilities;
import shm.provider.win32.EntryPoints;
import shm.provider.win32.LibraryUnavailableException;
import shm.provider.win32.NativeLibrary;
import shm.provider.win32.VendorExtension;
import shm.provider.win32.Win32Backend;
import shm.provider.win32.Win32ObjectApi;

/**
 * Opens an RTX64 / wRTOS backend over a library, in or outside a framework (tests and tools use it directly).
 * RTX64's RtApi.h: names at most 256 characters (RTX_MAX_OBJECT_NAME_LENGTH), sizes one DWORD (MaximumSizeHigh must
 * be 0), no pools, descriptor tables or directory on the Windows side.
 */
public final class RtxBackendFactory {

    /** The backend type. */
    public static final String TYPE = "rtx";
    /** The vendor named in the capabilities. */
    public static final String VENDOR = "IntervalZero RTX64 / wRTOS (RTAPI, Windows process)";
    /** The library loaded when none is configured. */
    public static final String DEFAULT_LIBRARY = "RtApi.dll";
    /** The library exporting VirtualQuery when none is configured. */
    public static final String DEFAULT_SYSTEM_LIBRARY = "kernel32.dll";
    /** RTX64 RtApi.h: RTX_MAX_OBJECT_NAME_LENGTH. */
    public static final int MAX_NAME_LENGTH = 256;
    /** MaximumSizeHigh must be 0: one DWORD of bytes. */
    public static final long MAX_OBJECT_SIZE = 0xFFFF_FFFFL;

    private RtxBackendFactory() {
    }

    /**
     * Loads {@code library} and {@code systemLibrary}, binds every entry point and returns the backend.
     *
     * @param namespace the published namespace; blank for {@code rtx:<library>}
     * @throws LibraryUnavailableException naming the library and, if one is missing, the symbol; nothing stays loaded
     */
    public static Win32Backend open(String library, String systemLibrary, String namespace)
            throws LibraryUnavailableException {
        NativeLibrary rtapi = NativeLibrary.load(library);
        NativeLibrary system;
        try {
            system = NativeLibrary.load(systemLibrary);
        } catch (LibraryUnavailableException e) {
            rtapi.close();
            throw e;
        }
        try {
            Win32ObjectApi api = new Win32ObjectApi(rtapi, system, EntryPoints.RTAPI_WIDE);
            String ns = namespace == null || namespace.isBlank() ? TYPE + ":" + rtapi.name() : namespace.strip();
            Capabilities capabilities = new Capabilities(TYPE, VENDOR, rtapi.name(), ns, MAX_OBJECT_SIZE,
                    MAX_NAME_LENGTH, BackendCapabilities.DESCRIPTOR_TABLES_NONE, BackendCapabilities.DIRECTORY_NONE,
                    false);
            return new Win32Backend(api, capabilities, new VendorExtension() { }, true);
        } catch (LibraryUnavailableException | RuntimeException e) {
            rtapi.close();
            system.close();
            throw e;
        }
    }
}
