package shm.provider.mmap.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import shm.testkit.Await;

/**
 * The owner words {@link ThreadIdentity} gives: a platform thread's names its kernel task, a virtual thread's its
 * process, whichever thread asked just before (the identity remembers the word of the thread that asked last, so that a
 * loop taking and releasing a mutex skips the thread-local lookup).
 */
class ThreadIdentityTest {

    private final Futex futex = new Futex();
    private final ThreadIdentity identity = new ThreadIdentity(futex);
    private final ExecutorService other = Executors.newSingleThreadExecutor();

    @AfterEach
    void close() {
        other.shutdownNow();
    }

    private long onOtherThread(java.util.concurrent.Callable<Long> call) throws Exception {
        return other.submit(call).get(Await.DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void eachPlatformThreadGetsTheWordOfItsOwnTaskWhicheverThreadAskedLast() throws Exception {
        long mine = identity.currentWord();
        assertEquals(futex.currentTid(), mine & SharedMutex.ID_MASK, "this thread's task");
        assertEquals(0, mine & SharedMutex.PROCESS_SCOPED);

        long[] theirs = new long[2];
        theirs[0] = onOtherThread(identity::currentWord);
        long theirTid = onOtherThread(futex::currentTid);
        assertEquals(theirTid, theirs[0] & SharedMutex.ID_MASK, "the other thread's task, asked after this one");
        assertNotEquals(mine, theirs[0]);

        assertEquals(mine, identity.currentWord(), "this thread again, after the other asked");
        assertEquals(mine, identity.currentWord(), "and again, remembered");
        theirs[1] = onOtherThread(identity::currentWord);
        assertEquals(theirs[0], theirs[1], "the other again, after this one asked");
    }

    @Test
    void aVirtualThreadGetsItsProcessWordRightAfterAPlatformThreadAsked() throws Exception {
        long platform = identity.currentWord();
        long[] virtual = new long[1];
        Thread thread = Thread.ofVirtual().start(() -> virtual[0] = identity.currentWord());
        thread.join(Await.DEADLINE);
        assertEquals(SharedMutex.PROCESS_SCOPED, virtual[0] & SharedMutex.PROCESS_SCOPED, "process-scoped");
        assertEquals(ProcessHandle.current().pid(), virtual[0] & SharedMutex.ID_MASK, "this process");
        assertEquals(platform, identity.currentWord(), "the platform thread's word is unchanged");
    }
}
