package shm.provider.mmap;

/**
 * Runs every step of a close even when one fails: the first failure is kept, the later ones are added to it as
 * suppressed, and {@link #rethrow} throws the first at the end.
 */
final class FirstFailure {

    private RuntimeException first;

    /** Runs one step, keeping its failure. */
    void run(Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            add(e);
        }
    }

    /** Keeps a failure: the first one, or as suppressed by the first. */
    void add(RuntimeException e) {
        if (first == null) {
            first = e;
        } else if (first != e) {
            first.addSuppressed(e);
        }
    }

    /** Throws the first failure, if any. */
    void rethrow() {
        if (first != null) {
            throw first;
        }
    }
}
