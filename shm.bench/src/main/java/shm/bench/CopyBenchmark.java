package shm.bench;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
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
import shm.api.spi.BackendHandle;
import shm.provider.mmap.MmapBackend;
import shm.provider.mmap.MmapSettings;
import shm.testkit.Trees;

/**
 * Bulk copy of 64 MiB into and out of a handle's segment ({@code MemorySegment.copy} between the mapping and private
 * native memory, pages present: warm), to set beside {@code shmbase bw} (C {@code memcpy} into a mapped shm object and
 * into {@code malloc}'d memory). One operation copies 64 MiB: GB/s = ops/s × 67,108,864 / 10⁹.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class CopyBenchmark {

    /** Bytes per operation. */
    public static final long SIZE = 64L * 1024 * 1024;

    private Path root;
    private MmapBackend backend;
    private BackendHandle handle;
    private Arena arena;
    private MemorySegment shared;
    private MemorySegment local;

    @Setup(Level.Trial)
    public void open() {
        root = BenchRoots.fresh("copy");
        backend = new MmapBackend(MmapSettings.under(root));
        handle = backend.createOrOpen(ObjectType.SHARED_MEMORY, "bulk", SIZE, MapOptions.DEFAULT);
        shared = handle.segment();
        arena = Arena.ofConfined();
        local = arena.allocate(SIZE, 4096);
        local.fill((byte) 0x5a);
        shared.fill((byte) 0);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        arena.close();
        handle.close();
        backend.close();
        Trees.deleteRecursively(root.getParent());
    }

    /** 64 MiB from private memory into the shared segment. */
    @Benchmark
    public MemorySegment copyIn() {
        MemorySegment.copy(local, 0, shared, 0, SIZE);
        return shared;
    }

    /** 64 MiB from the shared segment into private memory. */
    @Benchmark
    public MemorySegment copyOut() {
        MemorySegment.copy(shared, 0, local, 0, SIZE);
        return local;
    }
}
