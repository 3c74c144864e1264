package shm.bench;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import shm.api.NamedEvent;
import shm.api.WaitResult;
import shm.api.intime.IntimeTables;
import shm.api.spi.DescriptorTable;
import shm.personality.intime.IntimeSettings;
import shm.provider.mmap.MmapBackend;
import shm.provider.mmap.MmapSettings;
import shm.testkit.Trees;

/**
 * What an iwin32 signalling call must add to the backend's call as the INtime personality is built, each part alone,
 * beside the backend's own event pair ({@code set} then {@code await(ZERO)}) for scale: the read of the store's change
 * count through the descriptor table (every iwin32 call without the lock reads it, to notice a handle another process
 * closed), the least such a check can cost (an acquire read of one word of a shared mapping, compared with a word kept
 * in the JVM), and the door of the calls made without the process's lock (an atomic increment before, a decrement
 * after, so that a swap parks nothing under a call). A pair of iwin32 calls pays the change count twice and the door
 * once; {@code docs/performance.md} sets that against the overhead target.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class Iwin32FloorBenchmark {

    private static final VarHandle WORD = ValueLayout.JAVA_LONG.varHandle();

    private Path root;
    private MmapBackend backend;
    private DescriptorTable table;
    private NamedEvent event;
    private Arena arena;
    /** Held in a field, as a mapping is, so that its checks cannot be hoisted out of the measured call. */
    private MemorySegment shared;
    /** The value the read is compared with, as the change count is compared with the last one seen. */
    private volatile long seen;
    private final AtomicInteger running = new AtomicInteger();

    @Setup(Level.Trial)
    public void open() {
        root = Path.of("/dev/shm", "shm-bench-iwin32-floor-" + ProcessHandle.current().pid(), "ns");
        backend = new MmapBackend(MmapSettings.under(root));
        table = backend.descriptors(IntimeTables.IWIN32_TABLE, IntimeSettings.defaults().iwin32Handles(),
                IntimeSettings.defaults().iwin32Handles());
        event = backend.createOrOpenEvent("floor-event", false, false);
        arena = Arena.ofShared();
        shared = arena.allocate(4096, 64);
        shared.set(ValueLayout.JAVA_LONG, 64, 7);
        seen = 7;
    }

    @TearDown(Level.Trial)
    public void close() throws java.io.IOException {
        event.close();
        backend.close();
        arena.close();
        Trees.deleteRecursively(root.getParent());
    }

    /** The backend's own pair, which the personality's pair is measured against. */
    @Benchmark
    public WaitResult backendEventPair() {
        event.set();
        return event.await(Duration.ZERO);
    }

    /** The store's change count, as {@code Iwin32Handles} reads it on every call without the lock. */
    @Benchmark
    public long storeChangeCount() {
        return table.changeCount();
    }

    /** The least a check of a word another process may write can cost: one acquire read, one comparison. */
    @Benchmark
    public boolean sharedWordCheck() {
        return (long) WORD.getAcquire(shared, 64L) == seen;
    }

    /** The door of a signalling call: entered, then left. */
    @Benchmark
    public int doorEnterExit() {
        running.getAndIncrement();
        return running.getAndDecrement();
    }
}
