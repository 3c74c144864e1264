package shm.provider.intime;

import java.util.ArrayList;
import java.util.List;

import shm.api.spi.BackendCapabilities;
import shm.provider.win32.Capabilities;
import shm.provider.win32.EntryPoints;
import shm.provider.win32.LibraryUnavailableException;
import shm.provider.win32.NativeLibrary;
import shm.provider.win32.Win32Backend;
import shm.provider.win32.Win32ObjectApi;

/**
 * Opens an INtime backend, in or outside a framework: iwin32x objects (shared memory, event, mutex, semaphore) plus
 * NTX's view of the RT side. iwin32: names at most MAX_PATH (260) characters, sizes one DWORD (MaximumSizeHigh must
 * be 0); NTX: the root directory read-only, the GDT through RT-handle import; no pools.
 */
public final class IntimeBackendFactory {

    /** The backend type. */
    public static final String TYPE = "intime";
    /** The vendor named in the capabilities. */
    public static final String VENDOR = "TenAsys INtime (iwin32x and NTX, Windows process)";
    /** The iwin32x library loaded when none is configured. */
    public static final String DEFAULT_LIBRARY = "iwin32x.dll";
    /** The NTX library loaded when none is configured. */
    public static final String DEFAULT_NTX_LIBRARY = "ntx64.dll";
    /** The library exporting VirtualQuery when none is configured. */
    public static final String DEFAULT_SYSTEM_LIBRARY = "kernel32.dll";
    /** iwin32: names up to MAX_PATH. */
    public static final int MAX_NAME_LENGTH = 260;
    /** MaximumSizeHigh must be 0. */
    public static final long MAX_OBJECT_SIZE = 0xFFFF_FFFFL;

    private IntimeBackendFactory() {
    }

    /**
     * Loads the three libraries, binds every entry point and returns the backend.
     *
     * @param namespace the published namespace; blank for {@code intime:<library>@<node>}
     * @param node      the INtime node, for the namespace only (the libraries reach the node NTX is configured for)
     * @throws LibraryUnavailableException naming the library and, if one is missing, the symbol; nothing stays loaded
     */
    public static Win32Backend open(String library, String ntxLibrary, String systemLibrary, String namespace,
                                    String node) throws LibraryUnavailableException {
        List<NativeLibrary> loaded = new ArrayList<>();
        try {
            NativeLibrary iwin32x = load(library, loaded);
            NativeLibrary ntxLib = load(ntxLibrary, loaded);
            NativeLibrary system = load(systemLibrary, loaded);
            Win32ObjectApi api = new Win32ObjectApi(iwin32x, system, EntryPoints.RTAPI_WIDE);
            NtxApi ntx = new NtxApi(ntxLib);
            String ns = namespace == null || namespace.isBlank() ? TYPE + ":" + iwin32x.name() + "@" + node
                    : namespace.strip();
            Capabilities capabilities = new Capabilities(TYPE, VENDOR, iwin32x.name() + ", " + ntxLib.name(), ns,
                    MAX_OBJECT_SIZE, MAX_NAME_LENGTH, BackendCapabilities.DESCRIPTOR_TABLES_IMPORT,
                    BackendCapabilities.DIRECTORY_LOOKUP, true);
            return new Win32Backend(api, capabilities, new NtxExtension(ntx, VENDOR) {
                @Override
                public void close() {
                    super.close();
                    ntxLib.close();
                }
            }, false);
        } catch (LibraryUnavailableException | RuntimeException e) {
            loaded.forEach(NativeLibrary::close);
            throw e;
        }
    }

    private static NativeLibrary load(String name, List<NativeLibrary> loaded) throws LibraryUnavailableException {
        NativeLibrary library = NativeLibrary.load(name);
        loaded.add(library);
        return library;
    }
}
