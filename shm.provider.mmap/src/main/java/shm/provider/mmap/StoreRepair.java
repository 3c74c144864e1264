package shm.provider.mmap;

import static shm.provider.mmap.TableLayout.*;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import shm.api.ErrorReason;
import shm.api.spi.StoreReport;

/**
 * The operator's check and repair of one root: reads the table under its lock, reports every value this layout
 * never writes, and with {@code repair} drops what cannot be trusted so that the store works again, without deleting
 * any file that may hold an object's data.
 *
 * <ul>
 *   <li>A table whose header is unusable (magic, version, sections) is renamed {@code table.broken.<millis>}, which
 *       no participant opens or removes; the next participant makes a new table. Object files are kept.</li>
 *   <li>A journal that cannot be rolled back is emptied; one that can is rolled back.</li>
 *   <li>A process slot with an impossible state or pid is freed; an object slot with an impossible state, file name,
 *       type, size or holder, or whose file is gone, is dropped (a tombstone: probes go on past it). Its file, if
 *       any, is kept and reported.</li>
 *   <li>Descriptors and directory entries that name impossible processes, tables or objects are freed.</li>
 *   <li>The counters (live objects, pending intents, handles per object and per process, descriptors used per table
 *       and per process, pool use) are recomputed from the slots.</li>
 *   <li>Object files in the root that no live slot lists are reported and kept; other files are not ours and are
 *       not mentioned unless they use our names.</li>
 * </ul>
 *
 * <p>Each change is its own journaled transaction, so a repair that dies part way leaves a table the next lock
 * holder rolls back to a consistent point, and a repair can simply be run again.
 */
final class StoreRepair {

    private static final byte[] MAGIC = "SHMTABL\0".getBytes(StandardCharsets.US_ASCII);

    private final MmapSettings settings;
    private final LibC libc;
    private final StoreRoot root;
    private final List<String> findings = new ArrayList<>();
    private final List<String> repairs = new ArrayList<>();

    StoreRepair(MmapSettings settings, LibC libc, StoreRoot root) {
        this.settings = settings;
        this.libc = libc;
        this.root = root;
    }

    /**
     * Checks (and repairs) the store of {@code settings} without a backend: usable when the store is so damaged
     * that no backend can start on it.
     *
     * @throws shm.api.ShmException ACCESS_DENIED or INCOMPATIBLE_STORE when the root itself is refused
     */
    static StoreReport check(MmapSettings settings, boolean repair) {
        LibC libc = new LibC();
        try (StoreRoot root = StoreRoot.open(libc, settings, RootDirectory.currentUid(),
                RootDirectory.currentGid())) {
            return new StoreRepair(settings, libc, root).run(repair);
        }
    }

    /** Checks (and, when {@code repair}, repairs) the root's table under its lock, then lists orphaned files. */
    StoreReport run(boolean repair) {
        int fd;
        try {
            fd = root.open(FILE_NAME, LibC.O_RDWR, 0);
        } catch (LibC.Failure f) {
            if (f.errno != Errno.ENOENT) {
                findings.add("the table cannot be opened: " + f.getMessage()
                        + (f.errno == Errno.ELOOP ? " (it is a symbolic link)" : ""));
                if (repair && f.errno == Errno.ELOOP) {
                    moveAside();
                }
            }
            reportOrphans(Set.of());
            return report();
        }
        TableLock lock = new TableLock(libc, settings.root());
        Mapper mapper = new Mapper(libc.mappings(), settings);
        lock.lockFile(fd);
        try {
            FileStat stat = libc.fstat(fd);
            if (!stat.isRegularFile() || stat.size() < HEADER_SIZE
                    || (!settings.groupShared() && stat.uid() != root.uid())) {
                findings.add("the table is not a regular file of this user at least " + HEADER_SIZE + " bytes long"
                        + " (uid " + stat.uid() + ", " + stat.size() + " bytes)");
                if (repair) {
                    moveAside();
                }
                reportOrphans(Set.of());
                return report();
            }
            Mapper.Mapping mapping = mapper.map(fd, "the object table", null, 0, stat.size(), true, false, false);
            try {
                String header = headerProblem(mapping.segment());
                if (header != null) {
                    findings.add("the table header is unusable: " + header);
                    if (repair) {
                        moveAside();
                    }
                    reportOrphans(Set.of());
                    return report();
                }
                TableWords w = new TableWords(mapping.segment());
                Set<String> live = new TableSlotRepair(w, repair, root, findings, repairs).run();
                reportOrphans(live);
            } finally {
                mapping.arena().close();
            }
        } catch (LibC.Failure f) {
            throw StoreErrors.store(ErrorReason.INTERNAL, settings.root(), "cannot check the table: "
                    + f.getMessage(), f);
        } finally {
            try {
                lock.unlockFile(fd);
            } finally {
                libc.close(fd);
            }
        }
        return report();
    }

    private StoreReport report() {
        return new StoreReport(settings.root().toString(), findings, repairs);
    }

    private static String headerProblem(MemorySegment table) {
        if (!Arrays.equals(table.asSlice(MAGIC_OFFSET, MAGIC.length).toArray(ValueLayout.JAVA_BYTE), MAGIC)) {
            return "it does not start with the SHMTABL magic";
        }
        int version = table.get(ValueLayout.JAVA_INT_UNALIGNED, VERSION_OFFSET);
        if (version != LAYOUT_VERSION) {
            return "its layout version is " + version + ", not " + LAYOUT_VERSION;
        }
        return TableHeaderCheck.firstProblem(table);
    }

    private void moveAside() {
        String aside = FILE_NAME + BROKEN_INFIX + System.currentTimeMillis();
        try {
            root.rename(FILE_NAME, aside);
            repairs.add("moved the table aside to " + aside + " (kept for inspection); the next participant makes a"
                    + " new table; object files are kept");
        } catch (LibC.Failure f) {
            findings.add("could not move the table aside: " + f.getMessage());
        }
    }

    /** Object files in the root that no live slot lists: reported, never removed. */
    private void reportOrphans(Set<String> live) {
        for (String name : root.names()) {
            if (NameCodec.isObjectFileName(name) && !live.contains(name)) {
                findings.add(name + " is in the root but no live object of the table lists it; it was kept (remove"
                        + " it by hand once no process maps it)");
            }
        }
    }
}
