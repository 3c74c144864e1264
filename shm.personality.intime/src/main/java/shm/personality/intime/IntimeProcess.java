package shm.personality.intime;

import java.util.ArrayList;
import java.util.List;

import shm.api.ShmException;
import shm.api.intime.IntimeTables;
import shm.api.spi.ShmBackend;
import shm.util.Failures;
import shm.util.KeptState;

/**
 * One INtime process's parts over one backend: its kernel memory, memory handles (GDT slots), process handle,
 * catalog entries, iwin32 handles and objects. Everything system-wide lives in the backend's store (the tables, the
 * directory, the pool, the objects); what lives here is which of it is this process's and the holds on the objects.
 * So a process can leave one backend and go on over the next one of the same store ({@link #park} then
 * {@link #restore} on a new instance): slots, catalog entries and allocations stay as they were, and only the
 * mappings are new. Not thread-safe: the personality's lock guards it.
 */
final class IntimeProcess {

    final ShmBackend backend;
    final KernelMemory memory;
    final MemoryHandles handles;
    final ProcessHandles processes;
    final ObjectDirectories directories;
    final Iwin32Handles iwin32Handles;
    final Iwin32Objects iwin32;
    final Iwin32SyncObjects sync;

    /**
     * The process over {@code backend}: opens the system-wide tables (the first process of the store fixes their
     * sizes) and sets the iwin32 pool's limit to {@code SegSize} (the last process to start sets it).
     *
     * @throws ShmException when the backend cannot hold the tables or the pool
     */
    IntimeProcess(ShmBackend backend, IntimeSettings settings) {
        this.backend = backend;
        backend.setPoolLimit(IntimeTables.IWIN32_POOL, settings.iwin32SegSize());
        memory = new KernelMemory(backend, settings.vsegSize(), settings.poolMax());
        handles = new MemoryHandles(backend.descriptors(IntimeTables.GDT_TABLE, settings.gdtSlots(),
                settings.gdtSlots()), settings.objectLimit());
        processes = new ProcessHandles(backend, backend.descriptors(IntimeTables.PROCESS_TABLE,
                IntimeTables.PROCESS_SLOTS, IntimeTables.PROCESS_SLOTS));
        directories = new ObjectDirectories(backend.directory(), processes, handles);
        iwin32Handles = new Iwin32Handles(backend.descriptors(IntimeTables.IWIN32_TABLE, settings.iwin32Handles(),
                settings.iwin32Handles()), processes::standsForAProcess);
        iwin32 = new Iwin32Objects(backend, iwin32Handles);
        sync = new Iwin32SyncObjects(backend, iwin32Handles, processes);
    }

    /**
     * Leaves the backend while the process goes on: every hold is parked in the store and the process's part of the
     * store is written as lines ({@link KeptLines}) for {@link #restore}. Nothing is deleted: the GDT slots, the
     * process slot and the catalog entries stay in the store's tables. What cannot be kept is released and named in
     * {@code lost}.
     */
    List<String> park(List<String> lost) {
        List<String> lines = new ArrayList<>();
        processes.park(lost).ifPresent(lines::add);
        lines.addAll(handles.lines());
        lines.addAll(directories.lines());
        lines.addAll(memory.park(lost));
        lines.addAll(iwin32Handles.park(backend, lost));
        return lines;
    }

    /**
     * Takes over what {@link #park} wrote, on this process's backend (of the same store): the objects are opened
     * again, taking the parked holds over, and the slots and entries that are still this process's become its own
     * again. An item whose object is gone meanwhile (a parked hold expired, another process closed a handle) is left
     * out and named in {@code lost}. Returns how many items came back.
     */
    int restore(List<String> lines, List<String> lost) {
        int restored = 0;
        for (String line : lines) {
            String[] f = line.split(" ");
            try {
                switch (f[0]) {
                    case "process" -> processes.restore(KeptLines.descriptor(f, 1));
                    case "gdt" -> handles.restore(KeptLines.descriptor(f, 1));
                    case "catalog" -> directories.restore(KeptState.unfield(f[1]), KeptState.unfield(f[2]),
                            Long.parseLong(f[3]));
                    case "block" -> memory.restore(f);
                    case "iwin32" -> iwin32Handles.restore(backend, f);
                    default -> throw new IllegalArgumentException("unknown item '" + f[0] + "'");
                }
                restored++;
            } catch (RuntimeException e) {
                lost.add(f[0] + " " + (f.length > 1 ? f[1] : "") + ": " + e.getMessage());
            }
        }
        return restored;
    }

    /**
     * Ends the process: its iwin32 handles are closed, its catalog entries removed, its memory handles and its process
     * handle deleted, its allocations freed and its mappings removed.
     *
     * @throws ShmException the first failure of the backend (every step is still tried)
     */
    void close() {
        Failures.runAll(ShmException.class, List.<Runnable>of(iwin32Handles::closeAll, directories::removeMine,
                handles::deleteAll, memory::freeAll, processes::close));
    }
}
