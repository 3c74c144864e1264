package shm.provider.mmap;

import java.util.OptionalLong;

import shm.provider.mmap.sync.ProcessStat;

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

    /** The start time of the process running under {@code pid} now; empty when none runs (or only a zombie). */
    static OptionalLong startTimeOf(long pid) {
        return ProcessStat.of(pid).filter(ProcessStat::running).map(stat -> OptionalLong.of(stat.startTime()))
                .orElseGet(OptionalLong::empty);
    }
}
