package shm.provider.mmap;

import static shm.provider.mmap.TableLayout.*;

/**
 * When a call of {@link ObjectTable#locked} must check that the table under its name is still the file we have open
 * ({@code statx}, {@link TableFile#stillLinked}): not while this process is registered in it, but every
 * {@link #LINK_CHECK_INTERVAL}th call, and after {@link #checkNextTime}.
 *
 * <p>Not thread-safe: used under the table's in-JVM lock ({@link TableLock#lockThreads}).
 */
final class LinkCheckSchedule {

    /** How many calls may pass, while this process is registered, between two checks that the table is linked. */
    static final int LINK_CHECK_INTERVAL = 64;

    private final ProcessIdentity self;
    /** Calls since the last check that the table is still linked, and whether the next call must check. */
    private int callsSinceLinkCheck;
    private boolean checkLinkNextTime = true;

    LinkCheckSchedule(ProcessIdentity self) {
        this.self = self;
    }

    /** Makes the next call check, as after a call that found the table unusable or a repair that may have moved it. */
    void checkNextTime() {
        checkLinkNextTime = true;
    }

    /**
     * Whether this call must check that the table under its name is still the file we have open ({@code statx}). Not
     * while this process is registered in it ({@code processes}, in the mapping {@code w}): the last participant
     * unlinks the table only when no live process is registered ({@link ObjectTable#leave}; the C peer alike), so the
     * check could not fail. Still every {@link #LINK_CHECK_INTERVAL}th call, after a call found the table unusable,
     * and after a repair, in case a repair moved the table aside.
     */
    boolean mustCheckLink(ProcessSlots processes, TableWords w) {
        if (checkLinkNextTime || ++callsSinceLinkCheck >= LINK_CHECK_INTERVAL) {
            checkLinkNextTime = false;
            callsSinceLinkCheck = 0;
            return true;
        }
        try {
            int slot = processes.selfSlot();
            return slot < 0 || w.processWord(slot, PROCESS_STATE) != PROCESS_LIVE
                    || w.processWord(slot, PROCESS_PID) != self.pid()
                    || w.processWord(slot, PROCESS_START_TIME) != self.startTime();
        } catch (RuntimeException | InternalError unreadable) {
            return true;
        }
    }
}
