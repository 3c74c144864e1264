package shm.provider.win32;

import shm.api.Access;
import shm.api.MapOptions;

/**
 * The protection and access values passed to the vendor's shared-memory calls (RTX64 RtApi.h: SHM_MAP_READ 1,
 * SHM_MAP_WRITE 2, SHM_MAP_ALL_ACCESS 3). RTX64 4.5 and wRTOS take SHM_MAP_* for {@code flProtect}; INtime ignores
 * it; RTSS always grants read and write.
 */
final class Protect {

    static final int SHM_MAP_READ = 1;
    static final int SHM_MAP_WRITE = 2;
    static final int SHM_MAP_ALL_ACCESS = SHM_MAP_READ | SHM_MAP_WRITE;
    /** {@code flProtect} of a create: read and write. */
    static final int READ_WRITE = SHM_MAP_ALL_ACCESS;
    /** The page size of Windows x64, the granularity VirtualQuery reports regions in. */
    static final long PAGE = 4096;

    private Protect() {
    }

    /** {@code dwDesiredAccess} of an open with these options. */
    static int access(MapOptions options) {
        return options.access() == Access.READ_ONLY ? SHM_MAP_READ : SHM_MAP_ALL_ACCESS;
    }
}
