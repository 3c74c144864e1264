package shm.provider.mmap.sync;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.spi.AbstractInterruptibleChannel;

/**
 * The word one futex wait sleeps on besides its own, set and woken by {@link Thread#interrupt()} of the waiting
 * thread. The hook is the JDK's public one: between {@link #enter()} and {@link #leave()} the thread is "blocked" in
 * this channel, and an interrupt closes the channel, which sets the word to 1 and wakes it. A thread keeps its
 * instance from sleep to sleep until an interrupt closes it (a closed channel stays closed, so the next sleep takes a
 * new one); the word is GC-managed memory any thread may write. A closing {@link WaitScope} sets and wakes it too
 * ({@link #poke}) without closing the channel; the sleeper clears such a poke before its next sleep. An interrupt
 * sets the thread's interrupt status before the word, so a sleeper that clears the word and then reads the status
 * loses no interrupt.
 */
final class InterruptWord extends AbstractInterruptibleChannel {

    private final AddressWaker waker;
    private final MemorySegment word = Arena.ofAuto().allocate(ValueLayout.JAVA_INT);

    InterruptWord(AddressWaker waker) {
        this.waker = waker;
    }

    /** The word's address, for the kernel. */
    long address() {
        return word.address();
    }

    /** Whether an interrupt or a poke set the word. */
    boolean isSet() {
        return Words.getInt(word, 0) != 0;
    }

    /** Sets the word and wakes its sleeper, leaving the channel open (a closing scope's call, any thread). */
    void poke() {
        Words.setIntVolatile(word, 0, 1);
        waker.wake(word.address());
    }

    /** Clears a poke (the owning thread, before it sleeps); a volatile store, so the reads that follow see later. */
    void clear() {
        Words.setIntVolatile(word, 0, 0);
    }

    /** Marks the calling thread blocked here: from now on its interrupt sets the word (at once if already due). */
    void enter() {
        begin();
    }

    /** Ends the blocked section; the thread keeps its interrupt status. */
    void leave() {
        try {
            end(true);
        } catch (ClosedByInterruptException expected) {
            // The interrupt that ended the wait; the thread's interrupt status stays set.
        } catch (IOException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    /** Called by {@link Thread#interrupt()} of the blocked thread: sets the word and wakes the sleeper. */
    @Override
    protected void implCloseChannel() {
        Words.setIntVolatile(word, 0, 1);
        waker.wake(word.address());
    }
}
