package shm.shell;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import shm.api.ShmException;
import shm.api.spi.ReapReport;
import shm.api.spi.ShmBackend;
import shm.util.Failures;

/**
 * The operator's reaper: asks every backend to release the handles of dead processes and says what happened, naming
 * the processes and the objects destroyed because only they held them. Also what {@code shm:list} marks as dead.
 */
final class DeadProcessReport {

    private DeadProcessReport() {
    }

    /**
     * Reaps on each backend; one line per backend that reaped something (the dead processes, then the objects
     * destroyed), or one line saying nothing had died.
     *
     * @throws ShmException from the first backend that failed, after the others were asked
     */
    static String reap(List<ShmBackend> backends) {
        if (backends.isEmpty()) {
            throw new ShmException(shm.api.ErrorReason.CLOSED, null, "no shared memory backend is registered");
        }
        List<String> lines = new ArrayList<>();
        Failures.forEach(ShmException.class, backends, backend -> {
            ReapReport report = backend.reap();
            if (!report.processes().isEmpty()) {
                lines.add(line(backend.type(), report));
            }
        });
        return lines.isEmpty() ? "no dead process held handles" : String.join("\n", lines);
    }

    /** One backend's reap in one line. */
    static String line(String backend, ReapReport report) {
        List<Long> pids = report.processes();
        String released = "released the handles of dead process" + (pids.size() == 1 ? " " : "es ")
                + String.join(", ", pids.stream().map(String::valueOf).toList()) + " in the " + backend + " backend";
        if (!report.namesKnown()) {
            return released + " (this backend does not say which objects it destroyed)";
        }
        List<String> named = report.destroyed().stream().map(OperatorText::quoted).toList();
        int count = named.size() + report.unnamedDestroyed();
        if (count == 0) {
            return released + "; no object was left without handles";
        }
        List<String> all = new ArrayList<>(named);
        if (report.unnamedDestroyed() > 0) {
            all.add(OperatorText.counted(report.unnamedDestroyed(), "unnamed object"));
        }
        return released + "; destroyed " + OperatorText.counted(count, "object") + " only they held: "
                + String.join(", ", all);
    }

    /** The pids every backend reports as dead and not yet reaped (changes nothing); a failing backend is skipped. */
    static Set<Long> dead(List<ShmBackend> backends) {
        Set<Long> dead = new LinkedHashSet<>();
        for (ShmBackend backend : backends) {
            try {
                dead.addAll(backend.deadProcesses());
            } catch (ShmException unavailable) {
                // a closed backend has nothing to report; the listing itself says what is wrong
            }
        }
        return dead;
    }
}
