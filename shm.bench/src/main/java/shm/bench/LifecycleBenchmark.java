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
 * object table's lock and writes its journaled transactions.
 *
 * <p>The open benchmarks: {@link #openMapClose} opens an object that another backend instance holds (the same
 * system calls as when another process holds it; compare with {@code shmbase open}); {@link #openHeldHere} opens an
 * object this backend holds already, which writes nothing into the table (but still maps the object for the handle). The {@code Confined} variants use {@link MapOptions#confined() confined} handles, the fast mode for a
 * single thread, whose close does not pause the JVM's other threads.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class LifecycleBenchmark {

    @Param({"4096", "1048576", "67108864"})
    long size;

    @Param({"false", "true"})
    boolean reserve;

    private Path root;
    private static final MapOptions CONFINED = MapOptions.DEFAULT.withConfined(true);

    private MmapBackend backend;
    private MmapBackend holder;
    private BackendHandle held;
    private BackendHandle heldHere;

    @Setup(Level.Trial)
    public void open() {
        root = Path.of("/dev/shm", "shm-bench-" + ProcessHandle.current().pid(), "ns");
        backend = new MmapBackend(MmapSettings.under(root).withReserveSpace(reserve));
        holder = new MmapBackend(MmapSettings.under(root).withReserveSpace(reserve));
        held = holder.createOrOpen(ObjectType.SHARED_MEMORY, "existing", size, MapOptions.DEFAULT);
        heldHere = backend.createOrOpen(ObjectType.SHARED_MEMORY, "here", size, MapOptions.DEFAULT);
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        held.close();
        heldHere.close();
        holder.close();
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

    /** Open an object that another backend instance keeps alive (as another process would), map it, close it. */
    @Benchmark
    public long openMapClose() {
        try (BackendHandle h = backend.open(ObjectType.SHARED_MEMORY, "existing", MapOptions.DEFAULT)) {
            return h.segment().address();
        }
    }

    /** The same with a confined handle. */
    @Benchmark
    public long openMapCloseConfined() {
        try (BackendHandle h = backend.open(ObjectType.SHARED_MEMORY, "existing", CONFINED)) {
            return h.segment().address();
        }
    }

    /** Open an object this backend holds already (no table write), use its segment, close the handle. */
    @Benchmark
    public long openHeldHere() {
        try (BackendHandle h = backend.open(ObjectType.SHARED_MEMORY, "here", MapOptions.DEFAULT)) {
            return h.segment().address();
        }
    }
}
