package shm.personality.ntx;

import static shm.api.ntx.NtxConstants.NTX_MAP_UNALIGNED;
import static shm.api.ntx.NtxConstants.NTX_MAP_WRITE;

import java.util.Objects;

import shm.api.ntx.NtxMapResult;
import shm.api.spi.BackendHandle;
import shm.api.spi.Descriptor;
import shm.api.spi.ShmBackend;

/**
 * One cached mapping of one handle: the backend handle that keeps the memory mapped (its arena owns the segment), the
 * GDT descriptor it was made from, and the success result every map of the handle returns while it is cached.
 *
 * @param owner      the backend the handle came from
 * @param handle     the backend handle; closing it unmaps the segment for every alias at once
 * @param descriptor the GDT descriptor as it was when the mapping was made
 * @param writable   whether the mapping was made with {@code NTX_MAP_WRITE}
 * @param aligned    whether the area is page-aligned at both ends
 * @param result     the result handed to every caller, holding the one segment all of them share
 */
record Mapping(ShmBackend owner, BackendHandle handle, Descriptor descriptor, boolean writable, boolean aligned,
               NtxMapResult result) {

    /** Checks that every part is present. */
    Mapping {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(handle, "handle");
        Objects.requireNonNull(descriptor, "descriptor");
        Objects.requireNonNull(result, "result");
    }

    /**
     * Whether a map with {@code dwFlags} is answered by this mapping as it is: no write asked of a read-only mapping,
     * no unaligned area without {@code NTX_MAP_UNALIGNED}.
     */
    boolean serves(int dwFlags) {
        return (writable || (dwFlags & NTX_MAP_WRITE) == 0) && (aligned || (dwFlags & NTX_MAP_UNALIGNED) != 0);
    }
}
