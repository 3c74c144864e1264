package shm.api;

/**
 * One process that holds handles to an object.
 *
 * @param pid     the process id
 * @param handles how many handles the process holds, at least 1: strictly, how many holds it has on the object, one
 *                per open or parked handle, where handles opened with {@link MapOptions#shareMapping()} share the
 *                hold of the handle whose mapping they share
 */
public record HolderInfo(long pid, int handles) {

    /** Checks that the pid is positive and the process holds at least one handle. */
    public HolderInfo {
        if (pid <= 0) {
            throw new IllegalArgumentException("pid must be positive: " + pid);
        }
        if (handles < 1) {
            throw new IllegalArgumentException("a holder holds at least one handle: " + handles);
        }
    }
}
