package shm.personality.intime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static shm.api.intime.IntimeConstants.WAIT_OBJECT_0;
import static shm.api.intime.IntimeConstants.WAIT_TIMEOUT;

import java.lang.management.ManagementFactory;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a signalling loop through iwin32 allocates: an event set, then waited on with a zero timeout. The calls take
 * their handle to functions that capture nothing and look it up without boxing its value, and a wait of 0 ms polls
 * its object without a wait record, a deadline ({@link Iwin32Wait#poll}) or a record of the looked-up object, so the
 * pair allocates nothing. It allocated 24 bytes before the lookup without a record (2026-12-01, noon), 80 bytes before
 * the poll (the wait's two records and the backend's deadline), and about a dozen objects (336 bytes) before that:
 * lambdas that captured the handle, an {@code Optional} and a boxed {@code Long} per lookup, a method reference per
 * wait.
 */
class Iwin32CallAllocationTest {

    private static final int PAIRS = 10_000;

    private final IntimeFixture fixture = new IntimeFixture();

    @AfterEach
    void close() throws java.io.IOException {
        fixture.close();
    }

    @Test
    void anEventSetAndWaitedOnAllocatesNothing() {
        IntimePersonality process = fixture.process();
        long event = process.RtCreateEvent(false, false, "allocation").handle();
        for (int i = 0; i < 1_000; i++) {
            pair(process, event);
        }
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().threadId();
        long before = threads.getThreadAllocatedBytes(thread);
        for (int i = 0; i < PAIRS; i++) {
            pair(process, event);
        }
        long perPair = (threads.getThreadAllocatedBytes(thread) - before) / PAIRS;
        assertEquals(WAIT_TIMEOUT, process.WaitForSingleObject(event, 0), "the auto-reset event was taken");
        assertTrue(perPair < 8, PAIRS + " pairs allocated " + perPair + " bytes each");
    }

    private static void pair(IntimePersonality process, long event) {
        assertTrue(process.RtSetEvent(event));
        assertEquals(WAIT_OBJECT_0, process.WaitForSingleObject(event, 0));
    }
}
