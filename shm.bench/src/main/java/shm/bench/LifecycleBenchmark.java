package shm.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
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
 * The create→map→close cycle of the mmap backend within one process, to set beside {@code shmbase life} (C:
 * shm_open, ftruncate, mmap, munmap, close, shm_unlink) from {@code shm.bench/reference}. With {@code reserve=true} the
 * backend reserves every page ({@code posix_fallocate}), which compares with C's {@code life+touch}; with
 * {@code reserve=false} it only sizes the file, which compares with plain {@code life}. Each cycle also takes the
 * object table's lock and writes its journaled transactions. {@link #createMapCloseConfined} does the same with a
 * {@link MapOptions#confined() confined} handle, the fast mode for a single thread, whose close does not pause the
 * JVM's other threads. The open cases are in {@link OpenBenchmark}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LifecycleBenchmark {

    @Param({"4096", "1048576", "67108864"})
    long size;

    @Param({"false", "true"})
    boolean reserve;

    private static final MapOptions CONFINED = MapOptions.DEFAULT.withConfined(true);

    private Path root;
    private MmapBackend backend;

    @Setup(Level.Trial)
    public void open() {
        root = BenchRoots.fresh("life");
        backend = new MmapBackend(MmapSettings.under(root).withReserveSpace(reserve));
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        backend.close();
        Trees.deleteRecursively(root.getParent());
    }

    /** Create a new object, map it, close it: the last close unlinks it. */
    @Benchmark
    public long createMapClose() {
        try (BackendHandle h = backend.createOrOpen(ObjectType.SHARED_MEMORY, "cycle", size, MapOptions.DEFAULT)) {
            return h.segment().address();
        }
    }

    /** The same with a confined handle (the single-thread fast mode). */
    @Benchmark
    public long createMapCloseConfined() {
        try (BackendHandle h = backend.createOrOpen(ObjectType.SHARED_MEMORY, "cycle", size, CONFINED)) {
            return h.segment().address();
        }
    }
}
