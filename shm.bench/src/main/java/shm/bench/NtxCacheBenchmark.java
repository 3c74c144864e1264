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
import shm.api.intime.IntimeConstants;
import shm.api.intime.IntimeTables;
import shm.api.ntx.NtxConstants;
import shm.api.ntx.NtxMapResult;
import shm.api.spi.BackendHandle;
import shm.api.spi.DescriptorTable;
import shm.personality.ntx.NtxPersonality;
import shm.personality.ntx.NtxSettings;
import shm.provider.mmap.MmapBackend;
import shm.provider.mmap.MmapSettings;
import shm.testkit.Trees;

/**
 * The cost of NTX's mapping cache in the hot paths of ported code: {@code ntxMapRtSharedMemory} of a handle that is
 * already mapped (a cache hit, which returns the cached pointer without a lock, an allocation or a GDT read), the
 * same through the Ex form asking read-only (served by the writable mapping), a hit of a strict-cache instance (which
 * reads the GDT descriptor under the store's lock to refuse a stale mapping), and for scale the full miss: map and
 * unmap (open by reference, mmap, slice; munmap, release). The RT side's memory and handle are made through the SPI
 * as {@link IntimeTables} lays them out.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class NtxCacheBenchmark {

    private Path root;
    private MmapBackend backend;
    private BackendHandle memory;
    private NtxPersonality ntx;
    private NtxPersonality strict;
    private NtxPersonality cold;
    private long handle;

    @Setup(Level.Trial)
    public void open() {
        root = Path.of("/dev/shm", "shm-bench-ntx-" + ProcessHandle.current().pid(), "ns");
        backend = new MmapBackend(MmapSettings.under(root));
        memory = backend.createUnnamed(ObjectType.SHARED_MEMORY, 64 * 1024, MapOptions.DEFAULT);
        DescriptorTable gdt = backend.descriptors(IntimeTables.GDT_TABLE, IntimeConstants.DEFAULT_GDT_SLOTS,
                IntimeConstants.DEFAULT_GDT_SLOTS);
        int rtHandle = IntimeTables.memoryHandleOfSlot(gdt.create(memory.ref(), 0, 64 * 1024).index());
        ntx = new NtxPersonality(backend, NtxSettings.defaults());
        strict = new NtxPersonality(backend, NtxSettings.defaults().withStrictCache(true));
        cold = new NtxPersonality(backend, NtxSettings.defaults());
        handle = ntx.ntxImportRtHandle(rtHandle, ntx.ntxGetRootRtProcess().handle()).handle();
        require(ntx.ntxMapRtSharedMemory(handle));
        require(strict.ntxMapRtSharedMemory(handle));
    }

    private static void require(NtxMapResult result) {
        if (!result.succeeded()) {
            throw new IllegalStateException(result.failure());
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        ntx.close();
        strict.close();
        cold.close();
        memory.close();
        backend.close();
        Trees.deleteRecursively(root.getParent());
    }

    /** A repeated {@code ntxMapRtSharedMemory} of a mapped handle: the cache hit. */
    @Benchmark
    public NtxMapResult cacheHit() {
        return ntx.ntxMapRtSharedMemory(handle);
    }

    /** {@code ntxMapRtSharedMemoryEx(h, 0)} of a handle mapped writable: a hit served by the writable mapping. */
    @Benchmark
    public NtxMapResult cacheHitReadOnlyRequest() {
        return ntx.ntxMapRtSharedMemoryEx(handle, 0);
    }

    /** A cache hit of a strict-cache instance: checked against the GDT descriptor. */
    @Benchmark
    public NtxMapResult strictCacheHit() {
        return strict.ntxMapRtSharedMemory(handle);
    }

    /** A miss: map (open by reference, mmap, slice, cache) and unmap (munmap, release), for scale. */
    @Benchmark
    public int mapUnmap() {
        cold.ntxMapRtSharedMemory(handle);
        return cold.ntxUnmapRtSharedMemory(handle);
    }

    /** The encoding step alone, for reference: what a hit costs beyond computing the key. */
    @Benchmark
    public int exportRtHandle() {
        return NtxConstants.exportRtHandle(handle);
    }
}
