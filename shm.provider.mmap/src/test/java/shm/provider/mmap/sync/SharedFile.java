package shm.provider.mmap.sync;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh zero-filled file under {@code /dev/shm}, mapped {@code MAP_SHARED} into a shared arena, as the backend maps
 * an object's data; closing unmaps it and deletes the file. {@link #attach} maps an existing one (in a child). A test
 * registers it as an extension ({@code @RegisterExtension}), which closes it after the test's own {@code @AfterEach}.
 */
final class SharedFile implements AutoCloseable, AfterEachCallback {

    /** Bytes of every test file: one page. */
    static final long SIZE = 4096;

    private final Path path;
    private final Arena arena;
    private final MemorySegment segment;
    private final boolean owner;
    private final Futex futex = new Futex();

    private SharedFile(Path path, boolean owner) {
        this.path = path;
        this.owner = owner;
        this.arena = Arena.ofShared();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            this.segment = channel.map(FileChannel.MapMode.READ_WRITE, 0, SIZE, arena);
        } catch (IOException e) {
            arena.close();
            throw new UncheckedIOException(e);
        }
    }

    /** Creates and maps a new file of {@link #SIZE} zero bytes; {@link #close()} deletes it. */
    static SharedFile create() {
        Path path = Path.of("/dev/shm", "shm-sync-test-" + UUID.randomUUID());
        try {
            Files.write(path, new byte[(int) SIZE], StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new SharedFile(path, true);
    }

    /** Maps an existing file made by {@link #create()}; {@link #close()} only unmaps it. */
    static SharedFile attach(Path path) {
        return new SharedFile(path, false);
    }

    /** The file's path, for a child to map it. */
    Path path() {
        return path;
    }

    /** The whole mapping. */
    MemorySegment segment() {
        return segment;
    }

    /** The state block at {@code offset}, 64 bytes (every primitive needs 32). */
    MemorySegment slot(long offset) {
        return segment.asSlice(offset, 64);
    }

    /** The futex calls the primitives made by {@link #event} and {@link #semaphore} wait and wake with. */
    Futex futex() {
        return futex;
    }

    /** A new event in the state block at offset 0. */
    SharedEvent event(boolean manualReset, boolean signaled) {
        SharedEvent.initialize(slot(0), manualReset, signaled);
        return new SharedEvent(slot(0), futex);
    }

    /** A new semaphore in the state block at offset 0. */
    SharedSemaphore semaphore(long initial, long maximum) {
        SharedSemaphore.initialize(slot(0), initial, maximum);
        return new SharedSemaphore(slot(0), futex);
    }

    /** Unmaps the file, and deletes it when this one created it; a second call does nothing. */
    @Override
    public void close() {
        if (!arena.scope().isAlive()) {
            return;
        }
        arena.close();
        if (owner) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    /** Closes the file after each test of a class that registered it as an extension. */
    @Override
    public void afterEach(ExtensionContext context) {
        close();
    }
}
