package shm.runtime;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Collects everything a process writes to one of its output streams, on a thread of its own, and lets a test wait
 * (with a deadline, woken by each new output) until some text has appeared.
 */
final class StreamCollector {

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition grown = lock.newCondition();
    private final StringBuilder text = new StringBuilder();
    private final Thread reader;
    private boolean ended;

    /** Starts collecting {@code stream} until it ends. */
    StreamCollector(InputStream stream, String name) {
        reader = Thread.ofPlatform().daemon().name(name).start(() -> collect(stream));
    }

    private void collect(InputStream stream) {
        byte[] buffer = new byte[8192];
        try (stream) {
            for (int count; (count = stream.read(buffer)) >= 0; ) {
                String chunk = new String(buffer, 0, count, StandardCharsets.UTF_8);
                lock.lock();
                try {
                    text.append(chunk);
                    grown.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        } catch (IOException closed) {
            // the process went away; what was read is kept
        } finally {
            lock.lock();
            try {
                ended = true;
                grown.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Waits until the collected text contains {@code expected}.
     *
     * @return whether it does; {@code false} when the stream ended or the deadline passed first
     */
    boolean awaitContains(String expected, Instant deadline) throws InterruptedException {
        lock.lock();
        try {
            while (text.indexOf(expected) < 0) {
                long remaining = Duration.between(Instant.now(), deadline).toNanos();
                if (ended || remaining <= 0) {
                    return false;
                }
                grown.awaitNanos(remaining);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Waits until the stream has ended (up to the deadline) and answers everything collected. */
    String awaitEnd(Instant deadline) throws InterruptedException {
        long remaining = Math.max(1, Duration.between(Instant.now(), deadline).toMillis());
        reader.join(remaining, 0);
        return text();
    }

    /** Everything collected so far. */
    String text() {
        lock.lock();
        try {
            return text.toString();
        } finally {
            lock.unlock();
        }
    }

    /** How long {@link #awaitContains} may wait when a test gives no deadline of its own. */
    static Instant deadlineIn(long seconds) {
        return Instant.now().plusNanos(TimeUnit.SECONDS.toNanos(seconds));
    }
}
