package shm.provider.mmap;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

import shm.api.ObjectInfo;
import shm.api.spi.ParkedHold;
import shm.api.spi.ReapReport;
import shm.api.spi.StoreReport;

/**
 * An {@link MmapBackend}'s look at its store for the operator, and the store's upkeep: the lookup and listing of
 * objects, the holds parked by any process, the release of dead processes' holds (reap) and the store check. Takes
 * its locks itself: both ({@link BackendLock#locked}; {@link BackendLock#lockedWithoutReaping} for the listing, which
 * never destroys), or, for the store check, the in-JVM lock alone; the caller holds none, or only the backend's
 * reentrant in-JVM lock.
 */
final class StoreInspection {

    private final MmapSettings settings;
    private final LibC libc;
    private final StoreRoot root;
    private final ObjectFiles files;
    private final ObjectTable table;
    private final ObjectLifecycle objects;
    private final BackendLock guard;

    StoreInspection(MmapSettings settings, LibC libc, StoreRoot root, ObjectFiles files, ObjectTable table,
                    ObjectLifecycle objects, BackendLock guard) {
        this.settings = settings;
        this.libc = libc;
        this.root = root;
        this.files = files;
        this.table = table;
        this.objects = objects;
        this.guard = guard;
    }

    /** {@link MmapBackend#lookup}. */
    Optional<ObjectInfo> lookup(String name) {
        String fileName = NameCodec.fileName(name);
        return guard.locked(name, () -> {
            int slot = table.objects().find(fileName);
            if (slot < 0) {
                return Optional.empty();
            }
            return Optional.of(objects.info(table.objects().entry(slot), name));
        });
    }

    /** {@link MmapBackend#list}: the named objects, sorted by name; unnamed objects are not listed. */
    List<ObjectInfo> list() {
        return guard.lockedWithoutReaping(() -> {
            List<ObjectInfo> result = new ArrayList<>();
            for (TableEntry entry : table.objects().liveEntries()) {
                if (entry.fileName().startsWith(NameCodec.UNNAMED_PREFIX)) {
                    continue;
                }
                result.add(objects.info(entry, objects.nameOf(entry)));
            }
            result.sort(Comparator.comparing(ObjectInfo::name));
            return List.copyOf(result);
        });
    }

    /** {@link MmapBackend#reap()}: start times are checked again; dead processes' temporary files go too. */
    ReapReport reap() {
        return guard.locked(null, () -> {
            ReapReport report = table.reapNow();
            files.removeTemporaryFilesOfDeadProcesses();
            return report;
        });
    }

    /** {@link MmapBackend#parkedHolds}. */
    List<ParkedHold> parkedHolds() {
        return guard.locked(null, () -> table.processes().parkedHolds().stream().map(p -> new ParkedHold(
                p.fileName().startsWith(NameCodec.UNNAMED_PREFIX) ? null : NameCodec.nameOf(p.fileName())
                        .orElseGet(() -> files.readHeader(p.fileName(), null).name()),
                p.fileName(), p.pid(), p.holds(), Instant.ofEpochMilli(p.deadlineMillis()))).toList());
    }

    /**
     * {@link MmapBackend#checkStore}: runs {@link StoreRepair} under the backend's in-JVM lock (refused when the
     * backend is closed), then has the table check its link again, since a repair may have moved it aside.
     */
    StoreReport checkStore(boolean repair) {
        guard.lock();
        try {
            guard.refuseWhenClosed(null);
            try {
                return new StoreRepair(settings, libc, root).run(repair);
            } finally {
                table.checkLinkNextTime();   // a repair may have moved the table aside
            }
        } finally {
            guard.unlock();
        }
    }
}
