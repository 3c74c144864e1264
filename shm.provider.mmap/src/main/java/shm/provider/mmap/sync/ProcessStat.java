package shm.provider.mmap.sync;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@code /proc/<pid>/stat} says about a process: its state (field 3) and its start time in clock ticks since
 * boot (field 22). A pid names a process only together with its start time: a pid reused by a later process has
 * another start time.
 *
 * <p>The one parser of {@code /proc/<pid>/stat} in the provider: the object table's process identities use it too.
 *
 * @param state     the state letter ({@code R}, {@code S}, {@code D}, {@code Z}, {@code X}, ...)
 * @param startTime the start time in clock ticks since boot
 */
public record ProcessStat(char state, long startTime) {

    /** Whether the process still runs: not a zombie ({@code Z}) and not dead ({@code X}). */
    public boolean running() {
        return state != 'Z' && state != 'X';
    }

    /** The process running under {@code pid} now, or empty when there is none (or its stat cannot be read). */
    public static Optional<ProcessStat> of(long pid) {
        if (pid <= 0) {
            return Optional.empty();
        }
        byte[] stat;
        try {
            stat = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (IOException goneOrUnreadable) {
            // NoSuchFileException, or ESRCH when the process ended between open and read
            return Optional.empty();
        }
        return parse(new String(stat, StandardCharsets.US_ASCII));
    }

    /** This process, which must be readable. */
    static ProcessStat self() {
        long pid = ProcessHandle.current().pid();
        return of(pid).orElseThrow(() -> new IllegalStateException("cannot read /proc/" + pid + "/stat of this very"
                + " process: the sync primitives need Linux /proc"));
    }

    /**
     * Parses one {@code /proc/<pid>/stat} line. The command name (field 2) is in parentheses and may itself hold
     * spaces and parentheses, so fields are counted after the last {@code ')'}.
     */
    static Optional<ProcessStat> parse(String line) {
        int end = line.lastIndexOf(')');
        if (end < 0) {
            return Optional.empty();
        }
        String[] fields = line.substring(end + 1).strip().split(" +");
        int startTimeIndex = 22 - 3;
        if (fields.length <= startTimeIndex || fields[0].length() != 1) {
            return Optional.empty();
        }
        try {
            return Optional.of(new ProcessStat(fields[0].charAt(0), Long.parseLong(fields[startTimeIndex])));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
