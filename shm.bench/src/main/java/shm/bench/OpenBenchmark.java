package shm.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import shm.api.MapOptions;
import shm.api.ObjectType;
import shm.api.SharedMemory;
import shm.api.rtx.RtxConstants;
import shm.api.rtx.RtxResult;
import shm.api.spi.BackendHandle;
import shm.core.NeutralSharedMemoryService;
import shm.personality.rtx.RtxPersonality;
import shm.personality.rtx.RtxSettings;
import shm.provider.mmap.MmapBackend;
import shm.provider.mmap.MmapSettings;
import shm.testkit.Trees;

/**
 * open→map→close of a 4 KiB object, to set beside {@code shmbase open} (C: shm_open of an existing object, mmap,
 * munmap, close). Two cases: the object is held by <em>another process</em> (the C peer of {@code examples/c}, see
 * {@link CPeerHolder}), and the object is held by <em>this process</em> already (another handle of the same backend
 * keeps it open: the case where the platform can skip the kernel). Each case runs through the backend's SPI, the RTX
 * personality ({@code RtOpenSharedMemory} + {@code RtCloseHandle}) and the neutral service over the same backend, so
 * the personalities' overhead shows as the ratio of their figures to the backend's. The backend cases also run with
 * {@link MapOptions#confined() confined} handles (the single-thread fast mode, whose close pauses no other thread).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class OpenBenchmark {

    static final long SIZE = 4096;
    static final String ELSEWHERE = "held-elsewhere";
    static final String HERE = "held-here";
    private static final MapOptions CONFINED = MapOptions.DEFAULT.withConfined(true);

    private Path root;
    private MmapBackend backend;
    private CPeerHolder peer;
    private BackendHandle held;
    private RtxPersonality rtx;
    private NeutralSharedMemoryService neutral;

    @Setup(Level.Trial)
    public void open() throws IOException {
        root = BenchRoots.fresh("open");
        backend = new MmapBackend(MmapSettings.under(root));
        peer = CPeerHolder.hold(root, ELSEWHERE, SIZE);
        held = backend.createOrOpen(ObjectType.SHARED_MEMORY, HERE, SIZE, MapOptions.DEFAULT);
        rtx = new RtxPersonality(backend, RtxSettings.defaults());
        neutral = new NeutralSharedMemoryService(backend);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        neutral.close();
        rtx.close();
        held.close();
        peer.close();
        backend.close();
        Trees.deleteRecursively(root.getParent());
    }

    /** Backend SPI: open an object another process holds, map it, close the handle. */
    @Benchmark
    public long backendHeldElsewhere() {
        return backendCycle(ELSEWHERE);
    }

    /** Backend SPI: open an object another handle of this process holds, map it, close the handle. */
    @Benchmark
    public long backendHeldHere() {
        return backendCycle(HERE);
    }

    /** Backend SPI, a confined handle: open an object another process holds, map it, close the handle. */
    @Benchmark
    public long backendHeldElsewhereConfined() {
        return backendCycle(ELSEWHERE, CONFINED);
    }

    /** Backend SPI, a confined handle: open an object another handle of this process holds, map it, close it. */
    @Benchmark
    public long backendHeldHereConfined() {
        return backendCycle(HERE, CONFINED);
    }

    /** RTX personality: {@code RtOpenSharedMemory} (which maps) and {@code RtCloseHandle}, held elsewhere. */
    @Benchmark
    public long rtxHeldElsewhere() {
        return rtxCycle(ELSEWHERE);
    }

    /** RTX personality, the object held by this process already. */
    @Benchmark
    public long rtxHeldHere() {
        return rtxCycle(HERE);
    }

    /** Neutral service: open, read the segment's address, close; held elsewhere. */
    @Benchmark
    public long neutralHeldElsewhere() {
        return neutralCycle(ELSEWHERE);
    }

    /** Neutral service, the object held by this process already. */
    @Benchmark
    public long neutralHeldHere() {
        return neutralCycle(HERE);
    }

    private long backendCycle(String name) {
        return backendCycle(name, MapOptions.DEFAULT);
    }

    private long backendCycle(String name, MapOptions options) {
        try (BackendHandle h = backend.open(ObjectType.SHARED_MEMORY, name, options)) {
            return h.segment().address();
        }
    }

    private long rtxCycle(String name) {
        RtxResult opened = rtx.RtOpenSharedMemory(RtxConstants.SHM_MAP_ALL_ACCESS, false, name);
        if (!opened.succeeded()) {
            throw new IllegalStateException("RtOpenSharedMemory " + name + ": " + opened.errorCode());
        }
        long address = opened.location().address();
        rtx.RtCloseHandle(opened.handle());
        return address;
    }

    private long neutralCycle(String name) {
        try (SharedMemory h = neutral.open(name, MapOptions.DEFAULT)) {
            return h.segment().address();
        }
    }
}
