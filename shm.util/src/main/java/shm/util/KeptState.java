package shm.util;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

import shm.api.ErrorReason;
import shm.api.MapOptions;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.spi.BackendHandle;
import shm.api.spi.ShmBackend;

/**
 * State a component instance keeps in its store for its own next revision (an update, stop/start or refresh of its
 * bundle while the process lives): a small named shared-memory object, one per operating-system process and
 * component instance, holding lines of text. The component parks the object's hold when it goes ({@link #leave}), so
 * the object lives exactly as long as the parked holds it describes (the store's park deadline, or the process's
 * death); the next revision {@link #take}s it, which reads it and releases it, so it is destroyed once read.
 *
 * <pre>
 *   0       4         8                16
 *   +-------+---------+----------------+---------------------------+
 *   | magic | version | text length n  | n bytes of UTF-8 text     |
 *   +-------+---------+----------------+---------------------------+
 *   magic 0x4B50484D ("MHPK"), version 1, lines separated by '\n'
 * </pre>
 */
public final class KeptState {

    /** The first int of the object: what it is. */
    static final int MAGIC = 0x4B50484D;
    /** The layout version. */
    static final int VERSION = 1;
    /** Offset of the magic int. */
    static final long MAGIC_OFFSET = 0;
    /** Offset of the version int. */
    static final long VERSION_OFFSET = MAGIC_OFFSET + Integer.BYTES;
    /** Offset of the text's length, a long. */
    static final long LENGTH_OFFSET = VERSION_OFFSET + Integer.BYTES;
    /** Offset of the text. */
    static final long TEXT_OFFSET = LENGTH_OFFSET + Long.BYTES;

    static {
        if (TEXT_OFFSET != 16 || LENGTH_OFFSET % Long.BYTES != 0) {
            throw new AssertionError("KeptState layout: text at " + TEXT_OFFSET + ", length at " + LENGTH_OFFSET);
        }
    }

    private KeptState() {
    }

    /**
     * The object's name for one component instance of this operating-system process: {@code shm.kept.<kind>.<pid>-
     * <start>.<instance>}, the instance key reduced to letters, digits, '.', '-' and '_'. The process's start time
     * keeps a later process that reuses the pid from taking state that is not its own.
     */
    public static String name(String kind, String instance) {
        ProcessHandle self = ProcessHandle.current();
        long start = self.info().startInstant().map(java.time.Instant::toEpochMilli).orElse(0L);
        return "shm.kept." + kind + "." + self.pid() + "-" + start + "." + instance.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /**
     * Leaves {@code lines} for the next revision: writes the object (replacing one left earlier and never taken) and
     * parks its hold.
     *
     * @return {@code false} when the backend cannot park (nothing is left behind) or the object cannot be written
     *         (logged by the caller from the exception's absence: this method does not throw for a backend failure)
     */
    public static boolean leave(ShmBackend backend, String name, List<String> lines) {
        byte[] text = String.join("\n", lines).getBytes(StandardCharsets.UTF_8);
        try {
            take(backend, name);
            BackendHandle handle = backend.createOrOpen(ObjectType.SHARED_MEMORY, name, TEXT_OFFSET + text.length,
                    MapOptions.DEFAULT);
            try {
                if (handle.alreadyExisted()) {
                    handle.close();
                    return false; // another holder keeps an object of this name: not ours to overwrite
                }
                MemorySegment segment = handle.segment();
                segment.set(ValueLayout.JAVA_INT, VERSION_OFFSET, VERSION);
                segment.set(ValueLayout.JAVA_LONG, LENGTH_OFFSET, text.length);
                MemorySegment.copy(text, 0, segment, ValueLayout.JAVA_BYTE, TEXT_OFFSET, text.length);
                segment.set(ValueLayout.JAVA_INT, MAGIC_OFFSET, MAGIC);
            } catch (RuntimeException e) {
                handle.close();
                throw e;
            }
            if (!handle.park()) {
                handle.close();
                return false;
            }
            return true;
        } catch (ShmException e) {
            return false;
        }
    }

    /**
     * Takes the state an earlier revision left: reads it and releases the object (destroying it). Empty when none was
     * left (or it expired), or the object is not a state object this class wrote.
     */
    public static Optional<List<String>> take(ShmBackend backend, String name) {
        BackendHandle handle;
        try {
            // the successor of the revision that parked it: take its hold back, so that the close below destroys it
            handle = backend.reclaiming(() -> backend.open(ObjectType.SHARED_MEMORY, name, MapOptions.DEFAULT));
        } catch (ShmException e) {
            if (e.reason() == ErrorReason.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
        try (handle) {
            MemorySegment segment = handle.segment();
            if (segment.byteSize() < TEXT_OFFSET || segment.get(ValueLayout.JAVA_INT, MAGIC_OFFSET) != MAGIC
                    || segment.get(ValueLayout.JAVA_INT, VERSION_OFFSET) != VERSION) {
                return Optional.empty();
            }
            long length = segment.get(ValueLayout.JAVA_LONG, LENGTH_OFFSET);
            if (length < 0 || length > segment.byteSize() - TEXT_OFFSET) {
                return Optional.empty();
            }
            byte[] text = segment.asSlice(TEXT_OFFSET, length).toArray(ValueLayout.JAVA_BYTE);
            String all = new String(text, StandardCharsets.UTF_8);
            return Optional.of(all.isEmpty() ? List.of() : Arrays.asList(all.split("\n", -1)));
        }
    }

    /**
     * Whether a component instance being deactivated belongs to a process that goes on, so it keeps its state for its
     * next revision: its own bundle is stopping (an update, stop or refresh; Felix SCR may then deactivate a delayed
     * component with an unspecified reason, when the framework takes its service back), or Declarative Services says
     * the bundle stopped (reason 6), the configuration changed (2) or a static reference went (4); and the framework
     * itself is not stopping. A component that was disabled (1), lost its configuration (3) or was disposed (5) while
     * its bundle stays active ends its process: it releases what it holds.
     */
    public static boolean processGoesOn(int reason, boolean bundleStopping, boolean frameworkStopping) {
        return !frameworkStopping && (bundleStopping || reason == 2 || reason == 4 || reason == 6);
    }

    /** The key of a component instance: its configuration's PID, or {@code "default"} without one. */
    public static String instanceKey(java.util.Map<String, ?> properties) {
        Object pid = properties.get("service.pid");
        return pid == null ? "default" : pid.toString();
    }

    /** {@code value} as hex of its UTF-8 bytes, "-" for {@code null}: a name fits in one field of a line. */
    public static String field(String value) {
        return value == null ? "-" : "x" + HexFormat.of().formatHex(value.getBytes(StandardCharsets.UTF_8));
    }

    /** The value {@link #field} wrote. */
    public static String unfield(String field) {
        return field.equals("-") ? null
                : new String(HexFormat.of().parseHex(field.substring(1)), StandardCharsets.UTF_8);
    }
}
