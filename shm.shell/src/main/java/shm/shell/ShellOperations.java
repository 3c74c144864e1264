package shm.shell;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;

import shm.api.ErrorReason;
import shm.api.ObjectInfo;
import shm.api.SharedMemory;
import shm.api.SharedMemoryService;
import shm.api.ShmException;

/**
 * What the {@code shm:} commands do, apart from Gogo: each method takes the words the operator typed after the
 * command name, does the work on the current {@link SharedMemoryService} and answers the text to show.
 *
 * <p>Handles opened by {@code create} and {@code open} stay in the given {@link HeldHandles} until {@code close}.
 * {@code write} and {@code dump} use a held handle of the object when there is one; otherwise they open the object
 * for the one command and close it again (so they work on any object another process holds, and say so).
 *
 * <p>Failures are exceptions with a one-line message: {@link UsageException} for arguments the command cannot use,
 * {@link ShmException} for what the service refused, {@link IllegalArgumentException} for data that does not fit
 * the object, {@link IllegalStateException} when no service is bound.
 */
final class ShellOperations {

    /** Usage of {@code shm:list}. */
    static final String LIST_USAGE = "shm:list";
    /** Usage of {@code shm:create}. */
    static final String CREATE_USAGE = "shm:create <name> <size>";
    /** Usage of {@code shm:open}. */
    static final String OPEN_USAGE = "shm:open <name>";
    /** Usage of {@code shm:write}. */
    static final String WRITE_USAGE = "shm:write [--hex] <name> <offset> <text or hex bytes>";
    /** Usage of {@code shm:dump}. */
    static final String DUMP_USAGE = "shm:dump <name> [<offset> [<length>]]";
    /** Usage of {@code shm:info}. */
    static final String INFO_USAGE = "shm:info <name>";
    /** Usage of {@code shm:close}. */
    static final String CLOSE_USAGE = "shm:close <name>";

    /** How many bytes {@code shm:dump} shows when no length is given (fewer when the object ends before). */
    static final int DEFAULT_DUMP_LENGTH = 256;
    /** The most bytes one {@code shm:dump} shows (repeated lines are collapsed, so this is rarely many lines). */
    static final int MAX_DUMP_LENGTH = 64 << 20;

    private final Supplier<SharedMemoryService> service;
    private final HeldHandles held;
    private final Supplier<java.util.Set<Long>> deadProcesses;

    /**
     * Operations that hold no handle yet.
     *
     * @param service answers the service to use now, or {@code null} when none is bound
     * @param held    where handles live between commands
     */
    ShellOperations(Supplier<SharedMemoryService> service, HeldHandles held) {
        this(service, held, java.util.Set::of);
    }

    /**
     * Operations that hold no handle yet and mark the holders that died.
     *
     * @param service       answers the service to use now, or {@code null} when none is bound
     * @param held          where handles live between commands
     * @param deadProcesses answers the pids of processes that died holding something, not yet reaped
     */
    ShellOperations(Supplier<SharedMemoryService> service, HeldHandles held,
            Supplier<java.util.Set<Long>> deadProcesses) {
        this.service = Objects.requireNonNull(service, "service");
        this.held = Objects.requireNonNull(held, "held");
        this.deadProcesses = Objects.requireNonNull(deadProcesses, "deadProcesses");
    }

    /**
     * {@code shm:list}: the table of all named objects of all types ({@link ObjectListing}). Never destroys: a holder
     * that died is shown as {@code pid (dead)}, with a last line saying that {@code shm:reap} releases it.
     */
    String list(List<String> arguments) {
        expectCount(arguments, 0, 0, LIST_USAGE);
        List<ObjectInfo> objects = service().list();
        java.util.Set<Long> dead = deadProcesses.get();
        String table = ObjectListing.format(objects, pid -> dead.contains(pid) ? "dead" : ProcessNames.of(pid));
        List<Long> deadHolders = objects.stream().flatMap(o -> o.holders().stream()).map(h -> h.pid())
                .filter(dead::contains).distinct().sorted().toList();
        if (deadHolders.isEmpty()) {
            return table;
        }
        return table + "\n" + (deadHolders.size() == 1 ? "process " : "processes ")
                + String.join(", ", deadHolders.stream().map(String::valueOf).toList())
                + " died holding handles: shm:reap releases them and destroys what only they held";
    }

    /**
     * {@code shm:create <name> <size>}: creates the object, or opens it when it exists (its size wins), and keeps
     * the handle. Answers which of the two happened, the object's size and how many handles this shell now holds.
     */
    String create(List<String> arguments) {
        expectCount(arguments, 2, 2, CREATE_USAGE);
        String name = arguments.get(0);
        long requested = count(arguments.get(1), true, CREATE_USAGE);
        SharedMemory handle = service().createOrOpen(name, requested);
        held.keep(name, handle);
        String size = OperatorText.counted(handle.byteSize(), "byte");
        String what = handle.alreadyExisted()
                ? "opened existing " + OperatorText.quoted(name) + " (" + size
                        + (handle.byteSize() == requested ? "" : "; its size wins over the requested " + requested)
                        + ")"
                : "created " + OperatorText.quoted(name) + " (" + size + ")";
        return what + "; " + heldNow(name);
    }

    /** {@code shm:open <name>}: opens an existing object and keeps the handle. */
    String open(List<String> arguments) {
        expectCount(arguments, 1, 1, OPEN_USAGE);
        String name = arguments.get(0);
        SharedMemory handle = service().open(name);
        held.keep(name, handle);
        return "opened " + OperatorText.quoted(name) + " (" + OperatorText.counted(handle.byteSize(), "byte") + "); "
                + heldNow(name);
    }

    /**
     * {@code shm:write [--hex] <name> <offset> <text...>}: writes the words after the offset, joined by single
     * spaces, as UTF-8; with {@code hex}, writes the bytes they spell in hex ({@link HexBytes}).
     */
    String write(boolean hex, List<String> arguments) {
        expectCount(arguments, 3, Integer.MAX_VALUE, WRITE_USAGE);
        String name = arguments.get(0);
        long offset = count(arguments.get(1), false, WRITE_USAGE);
        String data = String.join(" ", arguments.subList(2, arguments.size()));
        byte[] bytes;
        try {
            bytes = hex ? HexBytes.parse(data) : data.getBytes(StandardCharsets.UTF_8);
        } catch (IllegalArgumentException badHex) {
            throw new UsageException(badHex.getMessage(), WRITE_USAGE);
        }
        return withHandle(name, (handle, transientNote) -> {
            MemorySegment segment = handle.segment();
            requireInside(name, segment.byteSize(), offset, bytes.length);
            MemorySegment.copy(bytes, 0, segment, ValueLayout.JAVA_BYTE, offset, bytes.length);
            return "wrote " + OperatorText.counted(bytes.length, "byte") + " to " + OperatorText.quoted(name)
                    + " at offset " + offset + transientNote;
        });
    }

    /**
     * {@code shm:dump <name> [offset] [length]}: a {@link HexDump} of the object's bytes, by default the first
     * {@value #DEFAULT_DUMP_LENGTH}; a length past the object's end is cut at the end (and the heading says so), an
     * offset past the end fails. Under a line saying what is shown.
     */
    String dump(List<String> arguments) {
        expectCount(arguments, 1, 3, DUMP_USAGE);
        String name = arguments.get(0);
        long offset = arguments.size() > 1 ? count(arguments.get(1), false, DUMP_USAGE) : 0;
        Long length = arguments.size() > 2 ? count(arguments.get(2), false, DUMP_USAGE) : null;
        return withHandle(name, (handle, transientNote) -> {
            MemorySegment segment = handle.segment();
            long size = segment.byteSize();
            requireInside(name, size, offset, 0);
            long available = size - offset;
            long shown = Math.min(length != null ? length : DEFAULT_DUMP_LENGTH, available);
            if (shown > MAX_DUMP_LENGTH) {
                throw new IllegalArgumentException("cannot dump more than " + MAX_DUMP_LENGTH + " bytes at once (asked"
                        + " for " + shown + "): give a smaller length");
            }
            byte[] bytes = segment.asSlice(offset, shown).toArray(ValueLayout.JAVA_BYTE);
            String clamped = length != null && length > shown ? " (asked for " + length + "; the object ends there)"
                    : "";
            String heading = OperatorText.quoted(name) + ": " + OperatorText.counted(shown, "byte") + " from offset "
                    + offset + " of " + size + clamped + transientNote;
            return bytes.length == 0 ? heading : heading + "\n" + HexDump.format(offset, bytes);
        });
    }

    /** {@code shm:info <name>}: the object's {@link ObjectDetails}; fails with NOT_FOUND when there is none. */
    String info(List<String> arguments) {
        expectCount(arguments, 1, 1, INFO_USAGE);
        String name = arguments.get(0);
        ObjectInfo object = service().info(name)
                .orElseThrow(() -> new ShmException(ErrorReason.NOT_FOUND, name, "no object of that name exists"));
        return ObjectDetails.format(object, held.count(name));
    }

    /** {@code shm:close <name>}: closes the handles of the object this shell holds, and says how many, or none. */
    String close(List<String> arguments) {
        expectCount(arguments, 1, 1, CLOSE_USAGE);
        String name = arguments.get(0);
        int closed = held.closeAll(name);
        return closed == 0
                ? "this shell holds no handle of " + OperatorText.quoted(name) + ": nothing to close"
                : "closed " + OperatorText.counted(closed, "handle") + " of " + OperatorText.quoted(name);
    }

    /** The handles, for the next revision of the shell to take over ({@link ShellHandover}). */
    HeldHandles held() {
        return held;
    }

    /** Closes every handle this shell holds and answers how many were open. */
    int closeEverything() {
        return held.closeEverything();
    }

    private String withHandle(String name, HandleWork work) {
        var kept = held.anyOpen(name);
        if (kept.isPresent()) {
            return work.apply(kept.get(), "");
        }
        try (SharedMemory transientHandle = service().open(name)) {
            return work.apply(transientHandle, " (this shell holds no handle of it: opened for this command only)");
        }
    }

    /** Work on one handle; {@code transientNote} is what to add to the first line when the handle is transient. */
    @FunctionalInterface
    private interface HandleWork {
        String apply(SharedMemory handle, String transientNote);
    }

    private String heldNow(String name) {
        return "this shell holds " + OperatorText.counted(held.count(name), "handle") + " of it";
    }

    private SharedMemoryService service() {
        SharedMemoryService current = service.get();
        if (current == null) {
            throw new IllegalStateException("no shared-memory service is available");
        }
        return current;
    }

    private static void expectCount(List<String> arguments, int least, int most, String usage) {
        for (int index = 0; index < arguments.size(); index++) {
            if (arguments.get(index) == null) {
                throw new UsageException("argument " + (index + 1) + " is empty (an unset variable?)", usage);
            }
        }
        if (arguments.size() < least) {
            throw new UsageException("missing arguments", usage);
        }
        if (arguments.size() > most) {
            throw new UsageException("too many arguments", usage);
        }
    }

    private static long count(String text, boolean isSize, String usage) {
        try {
            return isSize ? ByteCounts.parseSize(text) : ByteCounts.parseCount(text);
        } catch (IllegalArgumentException notACount) {
            throw new UsageException(notACount.getMessage(), usage);
        }
    }

    private static void requireInside(String name, long size, long offset, long length) {
        if (offset > size || length > size - offset) {
            throw new IllegalArgumentException(OperatorText.quoted(name) + " has " + OperatorText.counted(size, "byte")
                    + ": " + OperatorText.counted(length, "byte") + " at offset " + offset + " do not fit");
        }
    }
}
