package shm.personality.ntx;

import java.util.Objects;
import java.util.Optional;

import shm.api.intime.IntimeConstants;
import shm.api.intime.IntimeTables;
import shm.api.spi.Descriptor;
import shm.api.spi.DescriptorTable;
import shm.api.spi.ShmBackend;

/**
 * The INtime side's system-wide objects as NTX sees them in one backend, laid out as {@link IntimeTables} says: a
 * memory handle is a slot of the {@link IntimeTables#GDT_TABLE} table, a process handle a slot of the
 * {@link IntimeTables#PROCESS_TABLE} table, the root process always exists. Reads only; thread-safe.
 *
 * <p>The process table is opened only when a value that is no memory handle must be told apart (a process handle
 * other than the root's): mapping, importing and sizing memory, and looking names up in the root directory, need the
 * GDT only. A backend over INtime's own NTX library offers the GDT alone ({@code shm.backend.descriptorTables=import});
 * there such a question fails with the backend's {@code LOCATION} refusal, which names that capability.
 */
final class RtObjects {

    /**
     * The capacity and per-process limit asked for when this process is the first to open the GDT: the documented
     * GDT size, which is also the INtime personality's default ({@code intime.gdtSlots}), so that whichever side
     * opens the table first, the same table results. A backend's tables keep what their first opener asked for.
     */
    static final int GDT_CAPACITY = IntimeConstants.DEFAULT_GDT_SLOTS;
    /** The capacity and per-process limit asked for when this process opens the process table first, as INtime does. */
    static final int PROCESS_CAPACITY = IntimeTables.PROCESS_SLOTS;

    /** What an RTHANDLE names. */
    enum Kind {
        /** A memory handle whose GDT slot is in use. */
        MEMORY,
        /** The root process or a process whose slot is in use. */
        PROCESS,
        /** Nothing: a deleted handle or a value of no handle's shape. */
        NONE
    }

    private final ShmBackend backend;
    private final DescriptorTable gdt;
    /** Opened at first need ({@link #processes()}); guarded by {@code this} while it is opened. */
    private volatile DescriptorTable processes;

    /**
     * Opens the GDT of {@code backend}.
     *
     * @throws shm.api.ShmException when the backend cannot hold or open it
     */
    RtObjects(ShmBackend backend) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.gdt = backend.descriptors(IntimeTables.GDT_TABLE, GDT_CAPACITY, GDT_CAPACITY);
    }

    /**
     * The process table, opened at the first call that needs it.
     *
     * @throws shm.api.ShmException when the backend cannot hold or open it ({@code LOCATION} from a backend without it)
     */
    private DescriptorTable processes() {
        DescriptorTable known = processes;
        if (known == null) {
            synchronized (this) {
                known = processes;
                if (known == null) {
                    known = backend.descriptors(IntimeTables.PROCESS_TABLE, PROCESS_CAPACITY, PROCESS_CAPACITY);
                    processes = known;
                }
            }
        }
        return known;
    }

    /** The backend these tables belong to. */
    ShmBackend backend() {
        return backend;
    }

    /** The GDT: where memory handles are created and deleted. */
    DescriptorTable gdt() {
        return gdt;
    }

    /**
     * The directory scope of a process handle (see {@link IntimeTables}): the root directory for the root process, the
     * process's own for a live process; empty for anything else.
     */
    Optional<String> directoryOf(int rtHandle) {
        if (rtHandle == IntimeTables.ROOT_PROCESS_HANDLE) {
            return Optional.of(IntimeTables.ROOT_DIRECTORY);
        }
        int slot = IntimeTables.slotOfProcessHandle(rtHandle);
        return slot < 0 ? Optional.empty()
                : processes().get(slot).map(process -> IntimeTables.processDirectory(process.object().value()));
    }

    /** The GDT descriptor a memory handle names; empty when the value is no memory handle or its slot is free. */
    Optional<Descriptor> memory(int rtHandle) {
        int slot = IntimeTables.slotOfMemoryHandle(rtHandle);
        return slot < 0 ? Optional.empty() : gdt.get(slot);
    }

    /** What a 16-bit value names now. */
    Kind kindOf(int rtHandle) {
        if (rtHandle == IntimeTables.ROOT_PROCESS_HANDLE) {
            return Kind.PROCESS;
        }
        if (rtHandle == IntimeConstants.NULL_RTHANDLE || rtHandle == IntimeConstants.BAD_RTHANDLE) {
            return Kind.NONE;
        }
        if (memory(rtHandle).isPresent()) {
            return Kind.MEMORY;
        }
        int processSlot = IntimeTables.slotOfProcessHandle(rtHandle);
        return processSlot >= 0 && processes().get(processSlot).isPresent() ? Kind.PROCESS : Kind.NONE;
    }
}
