package shm.core;

/** What one swap of the neutral service did to its handles, logged in one line. Not thread-safe. */
final class SwapCount {

    /** Handles now served by another backend. */
    int moved;
    /** Handles whose hold was parked, waiting for a backend of their store. */
    int parked;
    /** Handles that could not go on. */
    int lost;

    /** Whether the swap touched any handle. */
    boolean any() {
        return moved + parked + lost > 0;
    }

    /** Logs the swap: at WARNING when a handle was lost, else at INFO. */
    void log(String why, Candidate now, System.Logger log) {
        log.log(lost > 0 ? System.Logger.Level.WARNING : System.Logger.Level.INFO, "shm swap: " + why + "; serving: "
                + (now == null ? "none" : now.origin()) + "; handles moved " + moved + ", parked " + parked
                + ", lost " + lost);
    }
}
