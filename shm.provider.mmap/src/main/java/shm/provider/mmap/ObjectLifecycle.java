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
    private final NewObjectFiles newFiles;
    private final SpareFiles spares;
    private final Mapper mapper;
    private final SyncObjects syncObjects;
    private final ObjectTable table;

    ObjectLifecycle(MmapBackend backend, ProcessIdentity self, ObjectFiles files, NewObjectFiles newFiles,
                    SpareFiles spares, Mapper mapper, SyncObjects syncObjects, ObjectTable table) {
        this.backend = backend;
        this.self = self;
        this.files = files;
        this.newFiles = newFiles;
        this.spares = spares;
        this.mapper = mapper;
        this.syncObjects = syncObjects;
        this.table = table;
    }

    /**
     * Creates an object and its first handle; {@code initializer}, when given, writes its initial state into the fresh
     * mapping while the table lock is still held, so no other participant ever sees the object uninitialized.
     *
     * <p>The steps: a committed creation intent; the file, made unnamed and sized ({@link NewObjectFiles#create}), or
     * a spare file of the same size that an object destroyed here left, its data zeroed ({@link SpareFiles#take}); its
     * header written ({@code pwrite}); its data pages mapped (a spare's are mapped already); the inode recorded; the
     * file linked (a spare renamed) under its name (a file already there is refused then, untouched); the object live
     * with this process's hold. Any failure undoes what was done: nothing stays mapped, open or named (a spare is
     * discarded), and the intent is abandoned.
     */
    MmapHandle createNew(String fileName, ObjectType type, String name, long size, MapOptions options,
                                 String pool, Consumer<MemorySegment> initializer) {
        ObjectIntents intents = table.intents();
        int slot;
        try {
            slot = intents.beginCreate(fileName, type, size, pool);
        } catch (ShmException e) {
            throw e.objectName().isPresent() ? e : new ShmException(e.reason(), name, e.rule(), null, e);
        }
        boolean linked = false;
        long inode = 0;
        ObjectMapping mapping = null;
        try {
            SpareFile spare = spares.take(size);
            NewObjectFiles.NewFile file;
            if (spare != null) {
                mapping = spare.mapping();
                file = newFiles.reuse(spare);
            } else {
                file = newFiles.create(name, size);
            }
            try {
                newFiles.writeHeader(file, new ObjectHeader(type, size, size, name, self.pid(),
                        System.currentTimeMillis()), fileName, name);
                if (mapping == null) {
                    long address = mapper.mapRaw(file.fd(), () -> files.describe(fileName), name,
                            ObjectHeader.DATA_OFFSET, size, true);
                    mapping = new ObjectMapping(mapper, address, size, true);
                }
                intents.recordInode(slot, file.inode());
                inode = file.inode();
                file = newFiles.link(file, fileName, name);
                linked = true;
            } finally {
                newFiles.closeNew(file);
            }
            OpenObject object = new OpenObject(backend, fileName, slot, new ObjectRef(table.objects().refOf(slot)),
                    type, name, size, inode);
            lockAndTouch(mapping, fileName, name, options);
            MmapHandle handle = object.newHandle(mapping, size, options, false);
            try {
                if (initializer != null) {
                    initializer.accept(handle.segment());
                }
                intents.finishCreate(slot);
                object.holdAdded();
            } catch (RuntimeException e) {
                object.releaseFailed(handle);
                mapping = null;
                throw e;
            }
            return handle;
        } catch (RuntimeException e) {
            if (mapping != null) {
                mapping.discard();
            }
            if (linked) {
                files.removeOwn(fileName, inode, e);
            }
            intents.abandonCreate(slot);
            throw e;
        }
    }

    /**
     * Opens an object this backend does not hold yet: maps it and takes this process's hold in the table.
     *
     * @param fileName the file name recorded in {@code slot} (the caller found the slot by it or read it there)
     */
    MmapHandle openExisting(int slot, String fileName, ObjectType type, String name, MapOptions options) {
        ObjectSlots.Openable entry = table.objects().openable(slot);
        if (entry.type() != type) {
            throw new ShmException(ErrorReason.NAME_USED_BY_OTHER_TYPE, name,
                    "the name is held by an object of type " + entry.type() + ", not " + type);
        }
        boolean writable = options.access() == Access.READ_WRITE;
        long inode = table.objects().inodeOf(slot);
        ObjectMapping mapping = mapper.kept().take(inode, writable, entry.logicalSize());
        if (mapping == null) {
            mapping = map(fileName, type, entry.reservedSize(), entry.logicalSize(), slot, name, writable);
        }
        OpenObject object;
        MmapHandle handle;
        try {
            object = new OpenObject(backend, fileName, slot, new ObjectRef(table.objects().refOf(slot)), type,
                    name, entry.reservedSize(), inode);
            lockAndTouch(mapping, fileName, name, options);
            handle = object.newHandle(mapping, entry.logicalSize(), options, true);
        } catch (RuntimeException e) {
            mapping.discard();
            throw e;
        }
        try {
            table.objects().openHandle(slot, backend.reclaims());
        } catch (RuntimeException e) {
            object.releaseFailed(handle);
            throw e;
        }
        object.holdAdded();
        return handle;
    }

    /**
     * Maps an object this backend holds once more, for a new handle: a new view of the pages an open handle maps with
     * the same protection ({@link Mapper#duplicateRaw}: one system call, the file not opened again), else a new mapping
     * of the file. The table is not changed here: the process holds the object already.
     */
    ObjectMapping mapAgain(OpenObject object, boolean writable) {
        long logicalSize = table.objects().logicalSizeOf(object.slot());
        ObjectMapping kept = mapper.kept().take(object.inode(), writable, logicalSize);
        if (kept != null) {
            return kept;
        }
        ObjectMapping source = object.duplicableMapping(writable, logicalSize);
        if (source != null) {
            long address = mapper.duplicateRaw(source.address(), logicalSize,
                    () -> files.describe(object.fileName()), object.name());
            return new ObjectMapping(mapper, address, logicalSize, writable);
        }
        return map(object.fileName(), object.type(), object.reservedSize(), logicalSize, object.slot(), object.name(),
                writable);
    }

    /**
     * Opens the object file the table recorded (no link followed, the inode and length checked, see
     * {@link ObjectFiles#openRecorded}), maps its data and closes the descriptor; on failure nothing stays mapped or
     * open.
     */
    private ObjectMapping map(String fileName, ObjectType type, long reservedSize, long logicalSize, int slot,
                              String name, boolean writable) {
        ObjectFiles.OpenFile file = files.openRecorded(fileName, name, writable, table.objects().inodeOf(slot),
                reservedSize);
        try {
            ObjectHeader header = file.header();
            if (header != null && (header.reservedSize() != reservedSize || header.type() != type)) {
                throw new ShmException(ErrorReason.INCOMPATIBLE_STORE, name, files.describe(fileName)
                        + " does not match its object table entry (size or type differ: the file was replaced"
                        + " outside the platform); it was left untouched");
            }
            long length = logicalSize;
            long address = mapper.mapRaw(file.fd(), () -> files.describe(fileName), name, ObjectHeader.DATA_OFFSET, length,
                    writable);
            return new ObjectMapping(mapper, address, length, writable);
        } finally {
            files.close(file);
        }
    }

    /** Locks and pre-faults the pages of a mapping as the options (or the store) ask; on failure nothing changed. */
    void lockAndTouch(ObjectMapping mapping, String fileName, String name, MapOptions options) {
        boolean lock = mapper.locks(options.lockPages()) && !mapping.locked();
        boolean touch = mapper.touches(options.prefault());
        if (lock || touch) {
            MemorySegment whole = mapping.whole(Arena.global());
            mapper.lockAndTouch(whole, files.describe(fileName), name, lock, touch);
            if (lock) {
                mapping.markLocked();
            }
        }
    }

    /**
     * What the operator sees of an object: the table's holds per process (one per open or parked handle, except
     * handles that share another's mapping and hold).
     */
    ObjectInfo info(TableEntry entry, String name) {
        List<HolderInfo> holders = entry.holders().stream()
                .map(h -> new HolderInfo(h.pid(), (int) Math.min(Integer.MAX_VALUE, h.handles()))).toList();
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
