package shm.shell;

import shm.api.ObjectState;

/**
 * Small pieces of text that every command's output shares, so that names and counts read the same everywhere.
 */
final class OperatorText {

    private OperatorText() {
    }

    /**
     * The name with every control character written as a Java escape ({@code \\u000A} for a line feed), so that a
     * name cannot break a line of output.
     */
    static String printable(String name) {
        StringBuilder out = new StringBuilder(name.length());
        name.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04X", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }

    /** The {@linkplain #printable(String) printable} name in single quotes, as messages show it. */
    static String quoted(String name) {
        return "'" + printable(name) + "'";
    }

    /** A count with its noun, singular for one: {@code counted(1, "handle")} is {@code "1 handle"}. */
    static String counted(long count, String noun) {
        return count + " " + noun + (count == 1 ? "" : "s");
    }

    /**
     * The state of an event, mutex or semaphore in words ({@code "signaled, manual reset, 0 waiting"},
     * {@code "owned by pid 4711 thread 1 (1 level)"}, {@code "free"}, {@code "count 1 of 2"}); empty for shared
     * memory.
     */
    static String state(ObjectState state) {
        return switch (state) {
            case ObjectState.None none -> "";
            case ObjectState.Event e -> (e.signaled() ? "signaled" : "not signaled") + ", "
                    + (e.manualReset() ? "manual" : "auto") + " reset, " + e.waiting() + " waiting";
            case ObjectState.Mutex m -> m.isFree() ? "free"
                    : "owned by pid " + m.ownerPid() + " thread " + m.ownerThreadId() + " ("
                            + counted(m.recursion(), "level") + ")";
            case ObjectState.Semaphore s -> "count " + s.count() + " of " + s.maximumCount();
            case ObjectState.Unreadable u -> "unreadable (" + u.reason() + ")";
            case ObjectState.Text t -> t.words();
        };
    }
}
