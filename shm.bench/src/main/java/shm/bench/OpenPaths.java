package shm.bench;

import java.io.IOException;
import java.nio.file.Path;

import shm.api.MapOptions;
import shm.api.ObjectType;
import shm.api.SharedMemory;
import shm.api.intime.Iwin32Result;
import shm.api.rtx.RtxConstants;
import shm.api.rtx.RtxResult;
import shm.api.spi.BackendHandle;
import shm.core.NeutralSharedMemoryService;
import shm.personality.intime.IntimePersonality;
import shm.personality.intime.IntimeSettings;
import shm.personality.rtx.RtxPersonality;
import shm.personality.rtx.RtxSettings;
import shm.provider.mmap.MmapBackend;
import shm.provider.mmap.MmapSettings;
import shm.testkit.Trees;

/**
 * One open→map→close cycle of a 4 KiB object through each path a caller has: the backend's SPI, the RTX personality
 * ({@code RtOpenSharedMemory}, which maps, and {@code RtCloseHandle}), an INtime process's iwin32 calls (the same two
 * calls of {@code iwin32.h}: {@code RtOpenSharedMemory}, {@code CloseHandle}) and the neutral service, all over one mmap
 * backend; the object {@link #ELSEWHERE} is held by another process (the C peer, {@link CPeerHolder}), the object
 * {@link #HERE} by another handle of this backend. Shared by {@link OpenBenchmark} and {@link OverheadCycles}.
 */
final class OpenPaths implements AutoCloseable {

    static final long SIZE = 4096;
    static final String ELSEWHERE = "held-elsewhere";
    static final String HERE = "held-here";

    private final Path root;
    private final MmapBackend backend;
    private final CPeerHolder peer;
    private final BackendHandle held;
    private final RtxPersonality rtx;
    private final IntimePersonality iwin32;
    private final NeutralSharedMemoryService neutral;

    /** A fresh store under {@code root} with both objects held, and the four paths over its backend. */
    OpenPaths(Path root) throws IOException {
        this.root = root;
        this.backend = new MmapBackend(MmapSettings.under(root));
        this.peer = CPeerHolder.hold(root, ELSEWHERE, SIZE);
        this.held = backend.createOrOpen(ObjectType.SHARED_MEMORY, HERE, SIZE, MapOptions.DEFAULT);
        this.rtx = new RtxPersonality(backend, RtxSettings.defaults());
        this.iwin32 = new IntimePersonality(backend, IntimeSettings.defaults());
        this.neutral = new NeutralSharedMemoryService(backend);
    }

    /** Backend SPI: open {@code name}, read its segment's address, close. */
    long backendCycle(String name, MapOptions options) {
        try (BackendHandle h = backend.open(ObjectType.SHARED_MEMORY, name, options)) {
            return h.segment().address();
        }
    }

    /** RTX personality: {@code RtOpenSharedMemory(SHM_MAP_ALL_ACCESS)} of {@code name}, then {@code RtCloseHandle}. */
    long rtxCycle(String name) {
        RtxResult opened = rtx.RtOpenSharedMemory(RtxConstants.SHM_MAP_ALL_ACCESS, false, name);
        if (!opened.succeeded()) {
            throw new IllegalStateException("RtOpenSharedMemory " + name + ": " + opened.errorCode());
        }
        long address = opened.location().address();
        rtx.RtCloseHandle(opened.handle());
        return address;
    }

    /** INtime iwin32: {@code RtOpenSharedMemory} of {@code name} (which maps it), then {@code CloseHandle}. */
    long iwin32Cycle(String name) {
        Iwin32Result opened = iwin32.RtOpenSharedMemory(0, false, name);
        if (!opened.succeeded()) {
            throw new IllegalStateException("iwin32 RtOpenSharedMemory " + name + ": " + opened.errorCode());
        }
        long address = opened.location().address();
        iwin32.CloseHandle(opened.handle());
        return address;
    }

    /** Neutral service: open {@code name}, read its segment's address, close. */
    long neutralCycle(String name) {
        try (SharedMemory h = neutral.open(name, MapOptions.DEFAULT)) {
            return h.segment().address();
        }
    }

    @Override
    public void close() throws IOException {
        neutral.close();
        iwin32.close();
        rtx.close();
        held.close();
        peer.close();
        backend.close();
        Trees.deleteRecursively(root.getParent());
    }
}
