package shm.provider.mmap;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * A process as the object table knows it: its pid and its start time, in clock ticks since boot (field 22 of
 * {@code /proc/<pid>/stat}). Two processes that reuse one pid have different start times, so a reused pid is never
 * taken for the process that held handles before.
 *
 * @param pid       the process id
 * @param startTime the start time in clock ticks since boot
 */
record ProcessIdentity(long pid, long startTime) {

    /** This process. */
    static ProcessIdentity current() {
        long pid = ProcessHandle.current().pid();
        return new ProcessIdentity(pid, startTimeOf(pid).orElseThrow(
                () -> new IllegalStateException("cannot read /proc/" + pid + "/stat of this very process")));
    }

    /**
     * Whether the process that this identity names is still running: a process under this pid with this start time,
     * which is not a zombie (a killed process whose parent has not waited for it yet holds nothing any more).
     */
    boolean isAlive() {
        OptionalLong now = startTimeOf(pid);
        return now.isPresent() && now.getAsLong() == startTime;
    }

    /** The start time of the process running under {@code pid} now; empty when none runs. */
    static OptionalLong startTimeOf(long pid) {
        byte[] stat;
        try {
            stat = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "stat"));
        } catch (NoSuchFileException gone) {
            return OptionalLong.empty();
        } catch (IOException e) {
            // ESRCH while reading: the process ended between open and read.
            return OptionalLong.empty();
        }
        return parseStartTime(new String(stat, StandardCharsets.US_ASCII));
    }

    /**
     * Field 22 of a {@code /proc/<pid>/stat} line; empty when the state (field 3) says the process is a zombie or
     * dead. The command name (field 2) is in parentheses and may itself hold spaces and parentheses, so fields are
     * counted after the last {@code ')'}.
     */
    static OptionalLong parseStartTime(String statLine) {
        int end = statLine.lastIndexOf(')');
        if (end < 0) {
            return OptionalLong.empty();
        }
        String[] fields = statLine.substring(end + 1).trim().split(" ");
        int index = 22 - 3;
        if (fields.length <= index || fields[0].equals("Z") || fields[0].equals("X")) {
            return OptionalLong.empty();
        }
        try {
            return OptionalLong.of(Long.parseLong(fields[index]));
        } catch (NumberFormatException e) {
            return OptionalLong.empty();
        }
    }
}
