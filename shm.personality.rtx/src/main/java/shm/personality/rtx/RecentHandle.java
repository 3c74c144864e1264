package shm.personality.rtx;

import shm.personality.rtx.HandleTable.OpenHandle;

/**
 * One call site's memory of the Rt* handle it looked up last (the signal calls have one, the waits another), so that
 * a loop calling with the same handle finds its object after one comparison of epochs ({@link HandleValues}).
 *
 * <p>Why: the lookup through the table's cache (the table, its values, the cache, its slot, the entry) sat between
 * the backend's atomic operations of every call, and a mutex taken and released through RTX took 1.5 to 1.9 times the
 * backend's time; with the last reading kept here, 1.24 to 1.36 times (see {@code docs/performance-history.md},
 * "2026-12-01, noon").
 *
 * <p>Thread-safe without a lock: the kept reading is immutable and replaced whole, and it is used only while no change
 * of the table has begun since it was made. Threads calling with different handles take turns replacing it; each
 * then reads as without it. Allocates nothing after a handle's first call following a change of the table.
 */
final class RecentHandle {

    private final HandleValues<OpenHandle> values;
    /** The last reading of this call site; may be of an earlier epoch, or another thread's. */
    private HandleValues.Reading<OpenHandle> last;

    /** @param values the table's values, whose readings' view is the object of an Rt* handle */
    RecentHandle(HandleValues<OpenHandle> values) {
        this.values = values;
    }

    /** The object an Rt* handle holds, or {@code null} for no open Rt* handle: as {@link HandleTable#resource}. */
    Object resource(long handle) {
        HandleValues.Reading<OpenHandle> reading = last;
        if (reading == null || reading.value() != handle || !values.isCurrent(reading)) {
            reading = values.read(handle);
            if (reading == null) {
                return null;
            }
            last = reading;
        }
        return reading.view();
    }
}
