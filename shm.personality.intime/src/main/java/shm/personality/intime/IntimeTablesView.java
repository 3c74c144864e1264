package shm.personality.intime;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import shm.api.NamedEvent;
import shm.api.NamedMutex;
import shm.api.NamedSemaphore;
import shm.api.intime.IntimeTables;
import shm.api.inspect.InspectionTable;
import shm.api.spi.BackendHandle;
import shm.api.spi.Descriptor;
import shm.api.spi.DescriptorTable;
import shm.api.spi.ShmBackend;

/**
 * The operator's tables of one INtime process: {@code handles} (its iwin32 handles), {@code gdt} (every GDT slot in
 * use, system-wide), {@code catalog} (the names it catalogued) and {@code pools} (the iwin32 pool and its kernel
 * memory). Built under the personality's lock from its parts; reads only.
 */
final class IntimeTablesView {

    /** The tables, in the order operators see them. */
    static final List<String> NAMES = List.of("handles", "gdt", "catalog", "pools");

    private final ShmBackend backend;
    private final IntimeSettings settings;
    private final KernelMemory memory;
    private final MemoryHandles handles;
    private final ObjectDirectories directories;
    private final Iwin32Handles iwin32;

    IntimeTablesView(ShmBackend backend, IntimeSettings settings, KernelMemory memory, MemoryHandles handles,
            ObjectDirectories directories, Iwin32Handles iwin32) {
        this.backend = backend;
        this.settings = settings;
        this.memory = memory;
        this.handles = handles;
        this.directories = directories;
        this.iwin32 = iwin32;
    }

    /** The table of that name; IllegalArgumentException for another name. */
    InspectionTable table(String name) {
        return switch (name) {
            case "handles" -> handles();
            case "gdt" -> gdt();
            case "catalog" -> catalog();
            case "pools" -> pools();
            default -> throw new IllegalArgumentException("the INtime personality shows the tables "
                    + String.join(", ", NAMES) + ", not '" + name + "'");
        };
    }

    private InspectionTable handles() {
        List<List<String>> rows = new ArrayList<>();
        iwin32.all().forEach((value, held) -> {
            Object object = held.object();
            String type = switch (object) {
                case BackendHandle h -> "SHARED_MEMORY";
                case NamedEvent e -> "EVENT";
                case NamedMutex m -> "MUTEX";
                case NamedSemaphore s -> "SEMAPHORE";
                default -> object.getClass().getSimpleName();
            };
            String name = switch (object) {
                case BackendHandle h -> h.name();
                case NamedEvent e -> e.name().orElse(null);
                case NamedMutex m -> m.name().orElse(null);
                case NamedSemaphore s -> s.name().orElse(null);
                default -> null;
            };
            rows.add(List.of("0x" + Long.toHexString(value), type, name == null ? "(unnamed)" : name,
                    Long.toString(held.descriptor().size()), iwin32.isOwn(value) ? "this process" : "another process"));
        });
        return new InspectionTable("handles", List.of("HANDLE", "TYPE", "NAME", "SIZE", "OPENED BY"), rows);
    }

    private InspectionTable gdt() {
        DescriptorTable gdt = handles.gdt();
        Set<Integer> mine = handles.ownedSlots();
        List<List<String>> rows = new ArrayList<>();
        for (int slot = 0; slot < gdt.capacity() && rows.size() < gdt.used(); slot++) {
            gdt.get(slot).ifPresent(d -> rows.add(row(d, mine.contains(d.index()))));
        }
        return new InspectionTable("gdt", List.of("RTHANDLE", "SLOT", "OBJECT", "OFFSET", "SIZE", "OWNER PID",
                "THIS PROCESS"), rows);
    }

    private static List<String> row(Descriptor d, boolean mine) {
        return List.of(String.format("0x%04X", IntimeTables.memoryHandleOfSlot(d.index())), Integer.toString(d.index()),
                "0x" + Long.toHexString(d.object().value()), Long.toString(d.offset()), Long.toString(d.size()),
                Long.toString(d.ownerPid()), mine ? "yes" : "no");
    }

    private InspectionTable catalog() {
        List<List<String>> rows = new ArrayList<>();
        for (String[] binding : directories.catalogued()) {
            long value = Long.parseLong(binding[2]);
            rows.add(List.of(binding[0].equals(IntimeTables.ROOT_DIRECTORY) ? "root process" : binding[0],
                    binding[1], String.format("0x%04X", value)));
        }
        return new InspectionTable("catalog", List.of("DIRECTORY", "NAME", "RTHANDLE"), rows);
    }

    private InspectionTable pools() {
        List<List<String>> rows = new ArrayList<>();
        backend.poolUsage(IntimeTables.IWIN32_POOL).ifPresent(pool -> rows.add(List.of("iwin32 (SegSize)",
                Long.toString(pool.limit()), Long.toString(pool.used()), "every process of the store")));
        rows.add(List.of("kernel memory (VsegSize)", Long.toString(settings.vsegSize()),
                Long.toString(memory.virtualUsed()), "this process"));
        return new InspectionTable("pools", List.of("POOL", "LIMIT", "USED", "SHARED BY"), rows);
    }
}
