package shm.provider.mmap;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

import shm.api.ErrorReason;
import shm.api.ShmException;

/**
 * The object files in the root: written complete under a temporary name and linked ({@link #write}), their headers
 * read and checked ({@link #readHeader}), removed when their object is destroyed ({@link #remove}), and the
 * temporary files of dead processes cleaned ({@link #removeTemporaryFilesOfDeadProcesses}). A file this platform did
 * not write, or that another user owns, is refused and never changed.
 */
final class ObjectFiles implements ObjectSlots.FileRemover {

    private final MmapSettings settings;
    private final LibC libc;
    private final ProcessIdentity self;
    private final int uid;

    ObjectFiles(MmapSettings settings, LibC libc, ProcessIdentity self, int uid) {
        this.settings = settings;
        this.libc = libc;
        this.self = self;
        this.uid = uid;
    }

    /** Where an object file is. */
    Path path(String fileName) {
        return settings.root().resolve(fileName);
    }

    /** A fresh file name for an unnamed object of this process. */
    String unnamedFileName() {
        return NameCodec.UNNAMED_PREFIX + self.pid() + "." + randomSuffix();
    }

    /**
     * Writes a complete object file under a temporary name and links it to {@code fileName}; the temporary name is
     * always removed.
     */
    void write(String fileName, ObjectHeader header) {
        Path path = path(fileName);
        String name = header.name();
        Path temporary = path(NameCodec.TEMPORARY_PREFIX + self.pid() + "." + randomSuffix());
        long fileLength = ObjectHeader.DATA_OFFSET + header.reservedSize();
        try {
            int fd;
            try {
                fd = libc.open(temporary.toString(), LibC.O_RDWR | LibC.O_CREAT | LibC.O_EXCL | LibC.O_CLOEXEC,
                        settings.fileMode());
            } catch (LibC.Failure f) {
                throw StoreErrors.failure(name, "cannot create " + temporary, f);
            }
            try (Arena arena = Arena.ofConfined()) {
                libc.fchmod(fd, settings.fileMode());
                libc.ftruncate(fd, fileLength);
                if (settings.reserveSpace()) {
                    libc.reserve(fd, fileLength);
                }
                MemorySegment page = arena.allocate(ObjectHeader.DATA_OFFSET);
                header.writeTo(page);
                libc.pwriteFully(fd, page, 0);
            } catch (LibC.Failure f) {
                throw new ShmException(StoreErrors.reasonOf(f.errno), name, describeCreateFailure(f, fileLength),
                        null, f);
            } finally {
                libc.close(fd);
            }
            Files.createLink(path, temporary);
        } catch (FileAlreadyExistsException e) {
            throw new ShmException(ErrorReason.INCOMPATIBLE_STORE, name, path + " appeared in the root while it was"
                    + " being created, outside the object table's protocol; it was left untouched");
        } catch (IOException e) {
            throw StoreErrors.failure(name, "cannot create the object file " + path, e);
        } finally {
            try {
                Files.deleteIfExists(temporary);
            } catch (IOException e) {
                // invisible to lookups; the reaper removes temporary files of dead processes
            }
        }
    }

    private String describeCreateFailure(LibC.Failure f, long fileLength) {
        if (StoreErrors.reasonOf(f.errno) == ErrorReason.NO_MEMORY) {
            return "the object needs " + fileLength + " bytes (data and header page) and " + settings.root()
                    + " cannot hold them (" + f.getMessage() + ")";
        }
        return "cannot create the object file: " + f.getMessage();
    }

    /** Reads and checks an object's header; {@code expectedName} is checked against it where not {@code null}. */
    ObjectHeader readHeader(String fileName, String expectedName) {
        Path path = path(fileName);
        PosixFileAttributes attributes;
        try {
            attributes = Files.readAttributes(path, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            throw new ShmException(ErrorReason.INCOMPATIBLE_STORE, expectedName, "the object table lists " + path
                    + " but the file is gone (removed by hand?)");
        } catch (IOException e) {
            throw StoreErrors.failure(expectedName, "cannot read the attributes of " + path, e);
        }
        if (!attributes.isRegularFile()) {
            throw new ShmException(ErrorReason.INCOMPATIBLE_STORE, expectedName, path
                    + " is not a regular file (a link, directory or device) and was not written by this platform;"
                    + " it was left untouched");
        }
        RootDirectory.checkOwner(path, uid, settings.groupShared(), expectedName);
        ObjectHeader header;
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer page = ByteBuffer.allocate(ObjectHeader.DATA_OFFSET);
            while (page.hasRemaining() && channel.read(page, page.position()) > 0) {
                // keep reading until the page is full or the file ends
            }
            header = ObjectHeader.readFrom(MemorySegment.ofBuffer(page.clear()), channel.size());
        } catch (IOException e) {
            throw StoreErrors.failure(expectedName, "cannot read the header of " + path, e);
        } catch (IllegalArgumentException e) {
            throw new ShmException(ErrorReason.INCOMPATIBLE_STORE, expectedName,
                    path + " is not usable: " + e.getMessage() + "; it was left untouched");
        }
        if (expectedName != null && !expectedName.equals(header.name())) {
            throw new ShmException(ErrorReason.INCOMPATIBLE_STORE, expectedName,
                    path + " holds the object '" + header.name() + "', not this one; it was left untouched");
        }
        return header;
    }

    /**
     * A file under an object's name that the table does not list was not made by this platform's protocol: refused,
     * never touched. Another user's file is named as such.
     */
    void refuseUnknown(String fileName, String name) {
        Path path = path(fileName);
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            RootDirectory.checkOwner(path, uid, settings.groupShared(), name);
            throw new ShmException(ErrorReason.INCOMPATIBLE_STORE, name, path + " exists but the object table does"
                    + " not know it, so it was not created by this platform's protocol; it was left untouched");
        }
    }

    /** Removes the file of a destroyed object (or of an intent whose writer died). */
    @Override
    public void remove(String fileName) {
        Path file = path(fileName);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new ShmException(ErrorReason.INTERNAL, null, "cannot unlink " + file + ": " + e, null, e);
        }
    }

    /** Removes an object file after a failed create, adding a failure to {@code reason}. */
    void removeQuietly(String fileName, RuntimeException reason) {
        try {
            Files.deleteIfExists(path(fileName));
        } catch (IOException e) {
            reason.addSuppressed(e);
        }
    }

    /** Removes {@code .t.<pid>.*} files whose process no longer runs. */
    void removeTemporaryFilesOfDeadProcesses() {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(settings.root(),
                NameCodec.TEMPORARY_PREFIX + "*")) {
            for (Path file : files) {
                String[] parts = file.getFileName().toString().split("\\.");
                long pid;
                try {
                    pid = Long.parseLong(parts[2]);
                } catch (NumberFormatException | ArrayIndexOutOfBoundsException notOurs) {
                    continue;
                }
                if (!libc.processExists(pid)) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IOException e) {
            throw StoreErrors.failure(null, "cannot clean temporary files in " + settings.root(), e);
        }
    }

    private static String randomSuffix() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }
}
