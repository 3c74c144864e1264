package shm.personality.intime;

import static shm.api.intime.IntimeConstants.*;

import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import shm.api.ErrorReason;
import shm.api.ShmException;
import shm.api.spi.Directory;

/**
 * INtime's object directories over the backend's directory: one scope per process directory (see
 * {@link shm.api.intime.IntimeTables}), the name's key as the binding's name, the cataloged RTHANDLE as its value.
 * Entries this process made are removed when it ends (the backend also removes them when its operating-system process
 * dies). Resolving handles needs the personality's lock; {@link #await} polls without it.
 */
final class ObjectDirectories {

    /**
     * Where a name is looked for.
     *
     * @param scope the directory's scope
     * @param key   the name's key in it
     * @param name  the name as the caller gave it, for messages
     */
    record Target(String scope, String key, String name) {
    }

    private record Binding(String scope, String key, long value) {
    }

    private static final long FIRST_PAUSE = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long LONGEST_PAUSE = TimeUnit.MILLISECONDS.toNanos(50);

    private final Directory directory;
    private final ProcessHandles processes;
    private final MemoryHandles memory;
    private final Set<Binding> mine = ConcurrentHashMap.newKeySet();

    ObjectDirectories(Directory directory, ProcessHandles processes, MemoryHandles memory) {
        this.directory = directory;
        this.processes = processes;
        this.memory = memory;
    }

    /** The names this process catalogued and has not uncatalogued: scope, name, RTHANDLE; for operators. */
    java.util.List<String[]> catalogued() {
        return mine.stream().map(b -> new String[] {b.scope(), b.key(), Long.toString(b.value())})
                .sorted(java.util.Comparator.comparing((String[] row) -> row[0]).thenComparing(row -> row[1]))
                .toList();
    }

    /**
     * The directory and key a call names.
     *
     * @throws ShmException E_PARAM for a bad name, E_TYPE when {@code hProcess} is a handle of another kind,
     *                      E_EXIST when it names nothing
     */
    Target target(int hProcess, String name, boolean longName) {
        String key = CatalogName.key(name, longName);
        String scope = processes.directoryOf(hProcess).orElseThrow(() -> memory.find(hProcess).isPresent()
                ? IntimeErrors.rt(ErrorReason.WRONG_TYPE, E_TYPE, name, "hProcess 0x" + hex(hProcess)
                + " is a memory handle, not a process")
                : IntimeErrors.rt(ErrorReason.NOT_FOUND, E_EXIST, name, "hProcess 0x" + hex(hProcess)
                + " names no process"));
        return new Target(scope, key, name);
    }

    /**
     * Catalogs {@code hObject} (which may be {@code NULL_RTHANDLE}) under the target's name.
     *
     * @throws ShmException E_EXIST for a handle that names nothing, E_CONTEXT when the name is taken, E_LIMIT when the
     *                      directory is full
     */
    void catalog(Target target, int hObject) {
        if (hObject != NULL_RTHANDLE && memory.find(hObject).isEmpty() && !processes.exists(hObject)) {
            throw IntimeErrors.rt(ErrorReason.NOT_FOUND, E_EXIST, target.name(), "hObject 0x" + hex(hObject)
                    + " names no object");
        }
        try {
            directory.bind(target.scope(), target.key(), hObject);
        } catch (ShmException e) {
            if (e.reason() == ErrorReason.WRONG_STATE) {
                throw IntimeErrors.rt(ErrorReason.WRONG_STATE, E_CONTEXT, target.name(), "the directory already"
                        + " holds this name; one name names one object per directory");
            }
            throw e;
        }
        mine.add(new Binding(target.scope(), target.key(), hObject));
    }

    /**
     * The handle cataloged under the target's name, waiting for it up to {@code milliseconds} (an unsigned DWORD;
     * {@code WAIT_FOREVER} waits without end) by polling the shared directory.
     *
     * @param ended tells the wait that this process ended
     * @throws ShmException E_TIME when the name was not cataloged in time (or the wait was interrupted; the thread
     *                      keeps its interrupt), E_EXIST when the process ended during the wait
     */
    int await(Target target, int milliseconds, BooleanSupplier ended) {
        boolean forever = milliseconds == WAIT_FOREVER;
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Integer.toUnsignedLong(milliseconds));
        long pause = FIRST_PAUSE;
        while (true) {
            OptionalLong value = directory.lookup(target.scope(), target.key());
            if (value.isPresent()) {
                return (int) value.getAsLong();
            }
            long left = deadline - System.nanoTime();
            if (!forever && left <= 0) {
                throw IntimeErrors.rt(ErrorReason.NOT_FOUND, E_TIME, target.name(), milliseconds == NO_WAIT
                        ? "the name is not cataloged and the call does not wait"
                        : "the name was not cataloged within " + Integer.toUnsignedLong(milliseconds) + " ms");
            }
            if (Thread.currentThread().isInterrupted()) {
                throw IntimeErrors.rt(ErrorReason.NOT_FOUND, E_TIME, target.name(), "the wait for the name was"
                        + " interrupted");
            }
            if (ended.getAsBoolean()) {
                throw IntimeErrors.rt(ErrorReason.CLOSED, E_EXIST, target.name(), "this INtime process ended while"
                        + " waiting");
            }
            LockSupport.parkNanos(forever ? pause : Math.min(pause, left));
            pause = Math.min(pause * 2, LONGEST_PAUSE);
        }
    }

    /**
     * Removes the target's name from its directory, whoever cataloged it.
     *
     * @throws ShmException E_CONTEXT when the name is not there
     */
    void uncatalog(Target target) {
        if (!directory.unbind(target.scope(), target.key())) {
            throw IntimeErrors.rt(ErrorReason.NOT_FOUND, E_CONTEXT, target.name(), "the directory does not hold"
                    + " this name");
        }
        mine.removeIf(b -> b.scope().equals(target.scope()) && b.key().equals(target.key()));
    }

    /** Removes the entries this process made that are still as it made them. */
    void removeMine() {
        for (Binding binding : List.copyOf(mine)) {
            OptionalLong now = directory.lookup(binding.scope(), binding.key());
            if (now.isPresent() && now.getAsLong() == binding.value()) {
                directory.unbind(binding.scope(), binding.key());
            }
        }
        mine.clear();
    }

    /** The entries this process made, one line each, for {@link #restore}. */
    List<String> lines() {
        return mine.stream().map(b -> "catalog " + shm.util.KeptState.field(b.scope()) + " "
                + shm.util.KeptState.field(b.key()) + " " + b.value()).toList();
    }

    /** Takes back an entry an earlier revision of this process made. */
    void restore(String scope, String key, long value) {
        mine.add(new Binding(scope, key, value));
    }

    private static String hex(int value) {
        return Integer.toHexString(value).toUpperCase(java.util.Locale.ROOT);
    }
}
