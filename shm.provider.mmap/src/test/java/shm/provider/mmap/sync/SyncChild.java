package shm.provider.mmap.sync;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.file.Path;
import java.time.Duration;

import shm.api.WaitResult;
import shm.testkit.ChildCommands;

/**
 * A child process for the cross-process tests: maps the shared file named by its argument and runs one command
 * per line of standard input, answering one line on standard output. Started by {@link SyncChildJvm}. Offsets are
 * byte offsets of state blocks (or of plain 64-bit counters) in the file.
 *
 * <pre>
 * event-await OFF MS            -> SIGNALED | TIMEOUT
 * event-set|event-reset|event-pulse OFF -> OK
 * mutex-acquire OFF MS          -> SIGNALED | TIMEOUT | ABANDONED
 * mutex-release OFF             -> OK | REFUSED message
 * pong PING PONG ROUNDS         -> OK rounds       (await PING, set PONG, ROUNDS times)
 * count GO MUTEX COUNTER N      -> OK              (await GO; N times: lock, counter = counter + 1, unlock)
 * bounded GO SEM ACTIVE PEAK N  -> OK              (await GO; N times: acquire, count in, note peak, out, release)
 * exit
 * </pre>
 */
public final class SyncChild {

    private static final Duration PATIENCE = Duration.ofSeconds(30);
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();

    private final MemorySegment memory;
    private final Futex futex = new Futex();

    private SyncChild(MemorySegment memory) {
        this.memory = memory;
    }

    /** {@code SyncChild <file>}: prints {@code READY <pid>}, then runs commands until {@code exit}. */
    public static void main(String[] args) throws Exception {
        try (SharedFile file = SharedFile.attach(Path.of(args[0]))) {
            SyncChild child = new SyncChild(file.segment());
            for (String line : ChildCommands.afterReady()) {
                String answer;
                try {
                    answer = child.run(line.split(" "));
                } catch (RuntimeException e) {
                    answer = "ERR " + e;
                }
                System.out.println(answer);
            }
        }
    }

    private String run(String[] c) {
        return switch (c[0]) {
            case "event-await" -> event(c[1]).await(Duration.ofMillis(Long.parseLong(c[2]))).name();
            case "event-set" -> {
                event(c[1]).set();
                yield "OK";
            }
            case "event-reset" -> {
                event(c[1]).reset();
                yield "OK";
            }
            case "event-pulse" -> {
                event(c[1]).pulse();
                yield "OK";
            }
            case "mutex-acquire" -> mutex(c[1]).acquire(Duration.ofMillis(Long.parseLong(c[2]))).name();
            case "mutex-release" -> {
                try {
                    mutex(c[1]).release();
                    yield "OK";
                } catch (IllegalMonitorStateException refused) {
                    yield "REFUSED " + refused.getMessage();
                }
            }
            case "pong" -> pong(event(c[1]), event(c[2]), Integer.parseInt(c[3]));
            case "count" -> count(event(c[1]), mutex(c[2]), offset(c[3]), Integer.parseInt(c[4]));
            case "bounded" -> bounded(event(c[1]), semaphore(c[2]), offset(c[3]), offset(c[4]),
                    Integer.parseInt(c[5]));
            default -> "ERR unknown command " + c[0];
        };
    }

    private String pong(SharedEvent ping, SharedEvent pong, int rounds) {
        for (int i = 0; i < rounds; i++) {
            if (ping.await(PATIENCE) != WaitResult.SIGNALED) {
                return "ERR no ping in round " + i;
            }
            pong.set();
        }
        return "OK " + rounds;
    }

    private String count(SharedEvent go, SharedMutex mutex, long counter, int n) {
        if (go.await(PATIENCE) != WaitResult.SIGNALED) {
            return "ERR no go";
        }
        for (int i = 0; i < n; i++) {
            WaitResult r = mutex.acquire(PATIENCE);
            if (r != WaitResult.SIGNALED) {
                return "ERR acquire " + r + " at " + i;
            }
            // deliberately not atomic: only the mutex keeps updates from being lost
            long value = (long) LONG.get(memory, counter);
            Thread.onSpinWait();
            LONG.set(memory, counter, value + 1);
            mutex.release();
        }
        return "OK";
    }

    private String bounded(SharedEvent go, SharedSemaphore semaphore, long active, long peak, int n) {
        if (go.await(PATIENCE) != WaitResult.SIGNALED) {
            return "ERR no go";
        }
        for (int i = 0; i < n; i++) {
            if (semaphore.acquire(PATIENCE) != WaitResult.SIGNALED) {
                return "ERR acquire timed out at " + i;
            }
            long now = (long) LONG.getAndAdd(memory, active, 1L) + 1;
            for (long seen = (long) LONG.getVolatile(memory, peak); now > seen
                    && !LONG.compareAndSet(memory, peak, seen, now); seen = (long) LONG.getVolatile(memory, peak)) {
                // retry until the peak is at least what this holder saw
            }
            Thread.yield();
            LONG.getAndAdd(memory, active, -1L);
            semaphore.release(1);
        }
        return "OK";
    }

    private SharedEvent event(String offset) {
        return new SharedEvent(memory.asSlice(offset(offset)), futex);
    }

    private SharedMutex mutex(String offset) {
        return new SharedMutex(memory.asSlice(offset(offset)), futex);
    }

    private SharedSemaphore semaphore(String offset) {
        return new SharedSemaphore(memory.asSlice(offset(offset)), futex);
    }

    private static long offset(String text) {
        return Long.parseLong(text);
    }
}
