package shm.provider.mmap;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.function.Consumer;

import shm.api.Access;
import shm.api.ErrorReason;
import shm.api.HolderInfo;
import shm.api.MapOptions;
import shm.api.ObjectInfo;
import shm.api.ObjectState;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.spi.ObjectRef;

/**
 * The life of one object under the table lock: creating it (intent, file, inode, mapping, live), opening it (checks of
 * type, header and inode, mapping, holder), and describing it for the operator. Used by {@link MmapBackend}, which
 * takes the locks and keeps the handles; not thread-safe by itself.
 */
final class ObjectLifecycle {

    private final MmapBackend backend;
    private final ProcessIdentity self;
    private final ObjectFiles files;
    private final Mapper mapper;
    private final SyncObjects syncObjects;
    private final ObjectTable table;

    ObjectLifecycle(MmapBackend backend, ProcessIdentity self, ObjectFiles files, Mapper mapper,
                    SyncObjects syncObjects, ObjectTable table) {
        this.backend = backend;
        this.self = self;
        this.files = files;
        this.mapper = mapper;
        this.syncObjects = syncObjects;
        this.table = table;
    }

    /**
     * Creates an object; {@code initializer}, when given, writes its initial state into the fresh mapping while the
     * table lock is still held, so no other participant ever sees the object uninitialized.
     */
    MmapHandle createNew(String fileName, ObjectType type, String name, long size, MapOptions options,
                                 String pool, Consumer<MemorySegment> initializer) {
        files.refuseUnknown(fileName, name);
        ObjectSlots objects = table.objects();
        int slot;
        try {
            slot = objects.beginCreate(fileName, type, size, pool);
        } catch (ShmException e) {
            throw e.objectName().isPresent() ? e : new ShmException(e.reason(), name, e.rule(), null, e);
        }
        long[] inode = {0};
        try {
            files.write(fileName, new ObjectHeader(type, size, size, name, self.pid(), System.currentTimeMillis()),
                    written -> {
                        objects.recordInode(slot, written);
                        inode[0] = written;
                    });
            MmapHandle handle = map(fileName, slot, inode[0], type, name, size, options, false);
            try {
                if (initializer != null) {
                    initializer.accept(handle.segment());
                }
                objects.finishCreate(slot);
            } catch (RuntimeException e) {
                handle.unmap();
                throw e;
            }
            return handle;
        } catch (RuntimeException e) {
            if (inode[0] != 0) {
                files.removeOwn(fileName, inode[0], e);
            }
            objects.abandonCreate(slot);
            throw e;
        }
    }

    MmapHandle openExisting(int slot, ObjectType type, String name, MapOptions options) {
        TableEntry entry = table.objects().entry(slot);
        if (entry.type() != type) {
            throw new ShmException(ErrorReason.NAME_USED_BY_OTHER_TYPE, name,
                    "the name is held by an object of type " + entry.type() + ", not " + type);
        }
        MmapHandle handle = map(entry.fileName(), slot, table.objects().inodeOf(slot), type, name, entry.logicalSize(),
                options, true);
        try {
            table.objects().openHandle(slot);
        } catch (RuntimeException e) {
            handle.unmap();
            throw e;
        }
        return handle;
    }

    /**
     * Opens the object file (no link followed), checks that it is the file the table recorded (inode, size, type),
     * maps {@code logicalSize} bytes of its data and closes the descriptor; on failure nothing stays mapped or open.
     */
    private MmapHandle map(String fileName, int slot, long inode, ObjectType type, String name, long logicalSize,
                           MapOptions options, boolean alreadyExisted) {
        TableEntry entry = table.objects().entry(slot);
        boolean writable = options.access() == Access.READ_WRITE;
        ObjectFiles.OpenFile file = files.open(fileName, name, writable);
        try {
            ObjectHeader header = file.header();
            if (header.reservedSize() != entry.reservedSize() || header.type() != entry.type()
                    || (inode != 0 && file.stat().inode() != inode)) {
                throw new ShmException(ErrorReason.INCOMPATIBLE_STORE, name, files.describe(fileName)
                        + " does not match its object table entry (size, type or inode differ: the file was replaced"
                        + " outside the platform); it was left untouched");
            }
            Mapper.Mapping mapping = mapper.map(file.fd(), files.describe(fileName), name, ObjectHeader.DATA_OFFSET,
                    logicalSize, writable, options.lockPages(), options.prefault());
            return new MmapHandle(backend, fileName, slot, new ObjectRef(table.objects().refOf(slot)), type, name,
                    alreadyExisted, entry.reservedSize(), mapping.arena(), mapping.segment());
        } finally {
            files.close(file);
        }
    }

    ObjectInfo info(TableEntry entry, String name) {
        List<HolderInfo> holders = entry.holders().stream()
                .map(h -> new HolderInfo(h.pid(), (int) h.handles())).toList();
        return new ObjectInfo(name, entry.type(), entry.reservedSize(), entry.logicalSize(), holders,
                entry.type() == ObjectType.SHARED_MEMORY ? ObjectState.NONE : stateOf(entry));
    }

    /** An event's, mutex's or semaphore's state, read through a short-lived mapping of its state block. */
    private ObjectState stateOf(TableEntry entry) {
        try {
            ObjectFiles.OpenFile file = files.open(entry.fileName(), null, true);
            Mapper.Mapping mapping;
            try {
                mapping = mapper.map(file.fd(), files.describe(entry.fileName()), null, ObjectHeader.DATA_OFFSET,
                        entry.logicalSize(), true, false, false);
            } finally {
                files.close(file);
            }
            try (Arena arena = mapping.arena()) {
                return syncObjects.state(entry.type(), mapping.segment());
            }
        } catch (RuntimeException | InternalError e) {
            return new ObjectState.Unreadable(String.valueOf(e.getMessage()));
        }
    }

    /** The name of a live object: decoded from its file name, from its header for long names, null for unnamed. */
    String nameOf(TableEntry entry) {
        if (entry.fileName().startsWith(NameCodec.UNNAMED_PREFIX)) {
            return null;
        }
        return NameCodec.nameOf(entry.fileName()).orElseGet(() -> files.readHeader(entry.fileName(), null).name());
    }
}
