package shm.util;

import java.util.function.Consumer;

/**
 * "Try every step, keep the first failure, add the others to it as suppressed": how the platform closes many
 * things at once (handles on a backend swap, the resources of a process that ends) without one failure hiding the
 * others or stopping the rest of the work.
 *
 * <p>A private package: each bundle that uses it carries its own copy (bnd {@code -conditionalpackage}); nothing
 * imports or exports it.
 */
public final class Failures {

    private Failures() {
    }

    /**
     * Applies {@code action} to every item, in order. A failure of type {@code kind} does not stop the others; after
     * all items were tried the first such failure is thrown, with the later ones added to it as suppressed. Any other
     * throwable propagates at once.
     *
     * @param <T>    the item type
     * @param <E>    the failure type that is collected
     * @param kind   the failures to collect
     * @param items  what to work on
     * @param action the work on one item
     * @throws E the first failure of the given kind, if any
     */
    public static <T, E extends RuntimeException> void forEach(Class<E> kind, Iterable<? extends T> items,
            Consumer<? super T> action) {
        E first = null;
        for (T item : items) {
            try {
                action.accept(item);
            } catch (RuntimeException e) {
                if (!kind.isInstance(e)) {
                    throw e;
                }
                first = keepFirst(first, kind.cast(e));
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** {@link #forEach} over steps: runs every step, then throws the first failure of {@code kind}, if any. */
    public static <E extends RuntimeException> void runAll(Class<E> kind, Iterable<? extends Runnable> steps) {
        forEach(kind, steps, Runnable::run);
    }

    /**
     * The failure to report when {@code next} happens after {@code first}: {@code first} with {@code next} added as
     * suppressed, or {@code next} when there was none before.
     *
     * @param <E>   the failure type
     * @param first the failure kept so far, or {@code null}
     * @param next  the new failure, not {@code null}
     * @return the failure to keep
     */
    public static <E extends Throwable> E keepFirst(E first, E next) {
        if (first == null) {
            return next;
        }
        if (first != next) {
            first.addSuppressed(next);
        }
        return first;
    }
}
