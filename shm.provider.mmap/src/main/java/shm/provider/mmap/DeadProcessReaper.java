package shm.provider.mmap;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import shm.api.spi.ReapReport;

/**
 * Reaps the dead processes of the object table: finds the registered processes that no longer run (and the parked
 * slots whose deadline passed or whose process died, {@link ProcessSlots#reapDead}), releases everything each held
 * (handles, destroying the objects only it held, then descriptors, then directory entries) and frees its slot; the
 * reap as the lock is taken also removes the temporary files dead processes left. Reports which processes were reaped
 * and which objects destroyed.
 *
 * <p>One instance per mapping of the table, made at every attach with the parts it works on, like them; every method
 * runs under the table lock ({@link ObjectTable#locked}).
 */
final class DeadProcessReaper {

    private final TableWords w;
    private final ProcessSlots processes;
    private final ObjectSlots objects;
    private final DescriptorSlots descriptors;
    private final DirectoryEntries directory;
    private final ObjectFiles files;
    /** Whether the temporary files of dead processes were looked for since the attach that made this reaper. */
    private boolean temporaryFilesChecked;
    /** Pids reaped when the lock was taken for the work now running. */
    private List<Long> reapedOnEntry = List.of();
    /** Objects destroyed by that reap: names of named ones, {@code null} for each unnamed one. */
    private List<String> destroyedOnEntry = List.of();

    DeadProcessReaper(TableWords w, ProcessSlots processes, ObjectSlots objects, DescriptorSlots descriptors,
                      DirectoryEntries directory, ObjectFiles files) {
        this.w = w;
        this.processes = processes;
        this.objects = objects;
        this.descriptors = descriptors;
        this.directory = directory;
        this.files = files;
    }

    /**
     * Reaps dead processes as the lock is taken, before the work it is taken for, and remembers what was reaped and
     * destroyed for {@link #reapNow} in that work.
     */
    void reapOnEntry() {
        List<String> destroyed = new ArrayList<>();
        reapedOnEntry = reapDeadProcesses(destroyed);
        destroyedOnEntry = destroyed;
    }

    /** The lock was taken without reaping: the work it is taken for reaped nothing on entry. */
    void skipReapOnEntry() {
        reapedOnEntry = List.of();
        destroyedOnEntry = List.of();
    }

    /**
     * Releases every handle of dead processes, checking every start time again, and reports which processes were
     * reaped and which objects destroyed, including those of the reap when the lock was taken for this call. Used by
     * the operator's reaper, which then removes the temporary files of dead processes (one scan of the root, 100,000
     * names in a large store).
     */
    ReapReport reapNow() {
        processes.forgetVerified();
        List<Long> reaped = new ArrayList<>(reapedOnEntry);
        List<String> destroyed = new ArrayList<>(destroyedOnEntry);
        reaped.addAll(processes.reapDead(slot -> releaseHoldingsOf(slot, destroyed)));
        List<String> named = destroyed.stream().filter(Objects::nonNull).toList();
        return new ReapReport(reaped, named, destroyed.size() - named.size(), true);
    }

    /** The pids of dead processes not reaped yet, start times checked again. */
    List<Long> deadProcesses() {
        processes.forgetVerified();
        return processes.dead();
    }

    /**
     * Reaps dead processes: their holdings, their slots, and then the temporary files any dead process left; adds the
     * objects destroyed to {@code destroyed} (the name, or {@code null} for an unnamed one).
     */
    private List<Long> reapDeadProcesses(List<String> destroyed) {
        List<Long> reaped = processes.reapDead(slot -> releaseHoldingsOf(slot, destroyed));
        if (!reaped.isEmpty() || !temporaryFilesChecked) {
            files.removeTemporaryFilesOfDeadProcesses();
            temporaryFilesChecked = true;
        }
        return reaped;
    }

    /** Releases everything a dead process held: handles, then descriptors, then directory entries. */
    private void releaseHoldingsOf(int processSlot, List<String> destroyed) {
        objects.releaseAllOf(processSlot, slot -> destroyed.add(nameOf(objects.entry(slot).fileName())));
        for (int descriptor : descriptors.ownedBy(processSlot)) {
            w.transaction(() -> descriptors.free(descriptor));
        }
        for (int binding : directory.ownedBy(processSlot)) {
            w.transaction(() -> directory.remove(binding));
        }
    }

    /** The object name a file name stands for; {@code null} for an unnamed object; the file name when unreadable. */
    private String nameOf(String fileName) {
        if (fileName.startsWith(NameCodec.UNNAMED_PREFIX)) {
            return null;
        }
        return NameCodec.nameOf(fileName).orElseGet(() -> {
            try {
                return files.readHeader(fileName, null).name();
            } catch (RuntimeException unreadable) {
                return fileName;
            }
        });
    }
}
