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

import shm.api.intime.IntimeConstants;
import shm.personality.intime.IntimePersonality;
import shm.personality.intime.IntimeSettings;
import shm.provider.mmap.MmapBackend;
import shm.provider.mmap.MmapSettings;
import shm.testkit.Trees;

/**
 * How long an iwin32 {@code WaitForSingleObject} on an event nobody sets really takes, for a given
 * {@code dwMilliseconds}: the vendor promises at least the interval, and this shows by how much the platform's
 * timed wait (futex slices) overshoots it. This is the measurement the unit tests must not make (they assert only the
 * answer, {@code WAIT_TIMEOUT}); compare the score with the parameter.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class Iwin32WaitBenchmark {

    @Param({"1", "50", "250"})
    int timeoutMs;

    private Path top;
    private MmapBackend backend;
    private IntimePersonality intime;
    private long event;

    @Setup(Level.Trial)
    public void open() {
        top = Path.of("/dev/shm", "shm-bench-wait-" + ProcessHandle.current().pid());
        backend = new MmapBackend(MmapSettings.under(top.resolve("ns")));
        intime = new IntimePersonality(backend, IntimeSettings.defaults());
        event = intime.RtCreateEvent(true, false, "never-set").handle();
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        intime.close();
        backend.close();
        Trees.deleteRecursively(top);
    }

    /** A wait that times out: its duration is the score. */
    @Benchmark
    public int timedOutWait() {
        int answer = intime.WaitForSingleObject(event, timeoutMs);
        if (answer != IntimeConstants.WAIT_TIMEOUT) {
            throw new IllegalStateException("the wait answered " + answer + ", not WAIT_TIMEOUT");
        }
        return answer;
    }
}
