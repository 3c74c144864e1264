package shm.shell;

import java.util.ArrayList;
import java.util.List;

import shm.api.ShmException;
import shm.api.spi.ShmBackend;
import shm.util.Failures;

/** The operator's reaper: asks every backend to release the handles of dead processes and says what happened. */
final class DeadProcessReport {

    private DeadProcessReport() {
    }

    /**
     * Reaps on each backend; one line per backend that reaped something, or one line saying nothing had died.
     *
     * @throws ShmException from the first backend that failed, after the others were asked
     */
    static String reap(List<ShmBackend> backends) {
        if (backends.isEmpty()) {
            throw new ShmException(shm.api.ErrorReason.CLOSED, null, "no shared memory backend is registered");
        }
        List<String> lines = new ArrayList<>();
        Failures.forEach(ShmException.class, backends, backend -> {
            List<Long> pids = backend.reapDeadProcesses();
            if (!pids.isEmpty()) {
                lines.add("released the handles of dead process" + (pids.size() == 1 ? " " : "es ")
                        + String.join(", ", pids.stream().map(String::valueOf).toList()) + " in the "
                        + backend.type() + " backend");
            }
        });
        return lines.isEmpty() ? "no dead process held handles" : String.join("\n", lines);
    }
}
