package shm.testkit;

import shm.api.ErrorReason;
import shm.api.ShmException;

/**
 * Assertions about how the platform refuses a call: a {@link ShmException} with the expected neutral reason. Works
 * under JUnit 4 and 5 and inside an OSGi framework (failures are plain {@link AssertionError}s).
 */
public final class Reasons {

    /** A call under test; it may throw anything. */
    @FunctionalInterface
    public interface Call {
        /** Makes the call. */
        void run() throws Throwable;
    }

    private Reasons() {
    }

    /**
     * {@code call} throws {@link ShmException} with the {@code expected} reason.
     *
     * @return the exception, for further assertions (its message, its vendor error)
     * @throws AssertionError when the call returns, throws something else, or fails for another reason; the message
     *                        carries the actual exception's message
     */
    public static ShmException assertReason(ErrorReason expected, Call call) {
        try {
            call.run();
        } catch (ShmException e) {
            if (e.reason() != expected) {
                AssertionError wrong = new AssertionError(
                        "expected reason " + expected + " but was " + e.reason() + ": " + e.getMessage());
                wrong.initCause(e);
                throw wrong;
            }
            return e;
        } catch (Throwable other) {
            AssertionError wrong = new AssertionError("expected ShmException with reason " + expected
                    + " but " + other.getClass().getName() + " was thrown: " + other.getMessage());
            wrong.initCause(other);
            throw wrong;
        }
        throw new AssertionError("expected ShmException with reason " + expected + " but the call returned");
    }
}
