package shm.bench;

import java.io.IOException;
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

/**
 * open→map→close of a 4 KiB object, to set beside {@code shmbase open} (C: shm_open of an existing object, mmap,
 * munmap, close). Two cases: the object is held by <em>another process</em> (the C peer of {@code examples/c}, see
 * {@link CPeerHolder}), and the object is held by <em>this process</em> already (another handle of the same backend
 * keeps it open: the case where the platform can skip the kernel). Each case runs through the backend's SPI, the RTX
 * personality ({@code RtOpenSharedMemory} + {@code RtCloseHandle}) and the neutral service over the same backend, so
 * the personalities' overhead shows as the ratio of their figures to the backend's. The backend cases also run with
 * {@link MapOptions#confined() confined} handles (the single-thread fast mode, whose close pauses no other thread),
 * and the held-here case also with confined handles that share the held handle's mapping and hold
 * ({@link MapOptions#shareMapping()}: no system call).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class OpenBenchmark {

    private static final MapOptions CONFINED = MapOptions.DEFAULT.withConfined(true);
    private static final MapOptions SHARING = CONFINED.withShareMapping(true);

    private OpenPaths paths;

    @Setup(Level.Trial)
    public void open() throws IOException {
        paths = new OpenPaths(BenchRoots.fresh("open"));
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        paths.close();
    }

    /** Backend SPI: open an object another process holds, map it, close the handle. */
    @Benchmark
    public long backendHeldElsewhere() {
        return paths.backendCycle(OpenPaths.ELSEWHERE, MapOptions.DEFAULT);
    }

    /** Backend SPI: open an object another handle of this process holds, map it, close the handle. */
    @Benchmark
    public long backendHeldHere() {
        return paths.backendCycle(OpenPaths.HERE, MapOptions.DEFAULT);
    }

    /** Backend SPI, a confined handle: open an object another process holds, map it, close the handle. */
    @Benchmark
    public long backendHeldElsewhereConfined() {
        return paths.backendCycle(OpenPaths.ELSEWHERE, CONFINED);
    }

    /** Backend SPI, a confined handle: open an object another handle of this process holds, map it, close it. */
    @Benchmark
    public long backendHeldHereConfined() {
        return paths.backendCycle(OpenPaths.HERE, CONFINED);
    }

    /**
     * Backend SPI, a confined handle that shares the mapping and hold of the handle this process holds: open, map,
     * close.
     */
    @Benchmark
    public long backendHeldHereShared() {
        return paths.backendCycle(OpenPaths.HERE, SHARING);
    }

    /** RTX personality: {@code RtOpenSharedMemory} (which maps) and {@code RtCloseHandle}, held elsewhere. */
    @Benchmark
    public long rtxHeldElsewhere() {
        return paths.rtxCycle(OpenPaths.ELSEWHERE);
    }

    /** RTX personality, the object held by this process already. */
    @Benchmark
    public long rtxHeldHere() {
        return paths.rtxCycle(OpenPaths.HERE);
    }

    /** Neutral service: open, read the segment's address, close; held elsewhere. */
    @Benchmark
    public long neutralHeldElsewhere() {
        return paths.neutralCycle(OpenPaths.ELSEWHERE);
    }

    /** Neutral service, the object held by this process already. */
    @Benchmark
    public long neutralHeldHere() {
        return paths.neutralCycle(OpenPaths.HERE);
    }
}
