package shm.provider.mmap;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

import shm.api.ShmException;

/**
 * Maps the data of object files: each mapping is owned by an {@link Arena#ofShared() arena of its own}, closed on
 * every failure path, and optionally locked in RAM and pre-faulted.
 */
final class Mapper {

    private static final OpenOption[] READ_ONLY = {StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS};
    private static final OpenOption[] READ_WRITE =
            {StandardOpenOption.READ, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS};

    private final LibC libc;
    private final MmapSettings settings;

    /**
     * One mapping and the arena that owns it.
     *
     * @param arena   closing it unmaps the segment
     * @param segment the mapped data
     */
    record Mapping(Arena arena, MemorySegment segment) {
    }

    Mapper(LibC libc, MmapSettings settings) {
        this.libc = libc;
        this.settings = settings;
    }

    /**
     * Maps {@code length} bytes of data of an object file; on failure nothing stays mapped.
     *
     * @param name the object's name for errors, {@code null} when unnamed
     */
    Mapping map(Path path, String name, long length, boolean writable, boolean lockPages, boolean prefault) {
        Arena arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, writable ? READ_WRITE : READ_ONLY)) {
            MemorySegment segment = channel.map(writable ? FileChannel.MapMode.READ_WRITE
                    : FileChannel.MapMode.READ_ONLY, ObjectHeader.DATA_OFFSET, length, arena);
            if (lockPages || settings.lockPages()) {
                libc.mlock(segment);
            }
            if (prefault || settings.prefault()) {
                segment.load();
            }
            return new Mapping(arena, segment);
        } catch (IOException e) {
            arena.close();
            throw StoreErrors.failure(name, "cannot map " + path, e);
        } catch (LibC.Failure f) {
            arena.close();
            throw new ShmException(StoreErrors.reasonOf(f.errno), name, "cannot lock the pages of " + path
                    + " in RAM (" + f.getMessage() + "; raise RLIMIT_MEMLOCK or grant CAP_IPC_LOCK)", null, f);
        } catch (RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** A short-lived read-write mapping of an object's data, for reading a sync object's state; closed by the caller. */
    Mapping mapForInspection(Path path, String name, long length) {
        return map(path, name, length, true, false, false);
    }
}
