package shm.personality.intime;

import shm.api.spi.Descriptor;
import shm.api.spi.ObjectRef;

/**
 * How an INtime process's state is written as text while it waits for a backend or for the next revision of its
 * bundle ({@link IntimeProcess#park}): one line per item, fields separated by one space, a descriptor as its six
 * numbers (index, object reference, offset, size, owner pid, node).
 */
final class KeptLines {

    /** How many fields a descriptor takes. */
    static final int DESCRIPTOR_FIELDS = 6;

    private KeptLines() {
    }

    /** A descriptor's fields. */
    static String of(Descriptor d) {
        return d.index() + " " + d.object().value() + " " + d.offset() + " " + d.size() + " " + d.ownerPid() + " "
                + d.node();
    }

    /** The descriptor written at {@code from} of the fields {@code f}. */
    static Descriptor descriptor(String[] f, int from) {
        return new Descriptor(Integer.parseInt(f[from]), new ObjectRef(Long.parseLong(f[from + 1])),
                Long.parseLong(f[from + 2]), Long.parseLong(f[from + 3]), Long.parseLong(f[from + 4]),
                Long.parseLong(f[from + 5]));
    }

    /** Parks a hold; {@code false} when the backend cannot (or failed to). */
    static boolean park(shm.api.spi.BackendHandle handle) {
        try {
            return handle.park();
        } catch (shm.api.ShmException e) {
            return false;
        }
    }

    /** Runs a release, ignoring the failure of a backend that is going away. */
    static void releaseQuietly(Runnable release) {
        try {
            release.run();
        } catch (RuntimeException e) {
            // the backend is going away and released it already
        }
    }
}
