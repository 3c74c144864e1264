package shm.provider.mmap;

import static shm.provider.mmap.TableLayout.*;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Writes into a root's table file as an adversary (or a bit flip) would: through the file, outside every lock and
 * journal, at the offsets {@link TableLayout} documents.
 */
final class TableEditor implements AutoCloseable {

    private final FileChannel channel;

    TableEditor(Path root) {
        try {
            channel = FileChannel.open(root.resolve(FILE_NAME), StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long size() {
        try {
            return channel.size();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long word(long offset) {
        ByteBuffer b = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        try {
            channel.read(b, offset);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.getLong(0);
    }

    void putWord(long offset, long value) {
        try {
            channel.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(0, value), offset);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    byte readByte(long offset) {
        ByteBuffer b = ByteBuffer.allocate(1);
        try {
            channel.read(b, offset);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return b.get(0);
    }

    void putByte(long offset, byte value) {
        try {
            channel.write(ByteBuffer.wrap(new byte[] {value}), offset);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    long objectBase(int slot) {
        return word(OBJECT_OFFSET_OFFSET) + slot * OBJECT_SLOT_SIZE;
    }

    long processBase(int slot) {
        return word(PROCESS_OFFSET_OFFSET) + slot * PROCESS_SLOT_SIZE;
    }

    /** The slot holding a file name, or -1. */
    int slotOf(String fileName) {
        long capacity = word(OBJECT_CAPACITY_OFFSET);
        for (int slot = 0; slot < capacity; slot++) {
            long base = objectBase(slot);
            long state = word(base + OBJECT_STATE);
            if (state != EMPTY && state != TOMBSTONE && fileName.equals(fileNameAt(slot))) {
                return slot;
            }
        }
        return -1;
    }

    String fileNameAt(int slot) {
        long base = objectBase(slot);
        int length = (int) Math.min(Math.max(word(base + OBJECT_FILE_NAME_LENGTH), 0), MAX_FILE_NAME);
        ByteBuffer b = ByteBuffer.allocate(length);
        try {
            channel.read(b, base + OBJECT_FILE_NAME);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new String(b.array(), StandardCharsets.ISO_8859_1);
    }

    /** Rewrites an object slot's file name (and its hash and length, so that probing finds it). */
    void renameSlot(int slot, String fileName) {
        long base = objectBase(slot);
        byte[] bytes = Arrays.copyOf(fileName.getBytes(StandardCharsets.ISO_8859_1), MAX_FILE_NAME);
        try {
            channel.write(ByteBuffer.wrap(bytes), base + OBJECT_FILE_NAME);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        putWord(base + OBJECT_FILE_NAME_LENGTH, fileName.length());
        putWord(base + OBJECT_HASH, TableLayout.hash(fileName));
    }

    void putObject(int slot, long field, long value) {
        putWord(objectBase(slot) + field, value);
    }

    long objectWord(int slot, long field) {
        return word(objectBase(slot) + field);
    }

    /** Registers a process that does not run (a dead pid) in a free process slot; returns the slot. */
    int registerDeadProcess(long deadPid) {
        long capacity = word(PROCESS_CAPACITY_OFFSET);
        for (int p = 0; p < capacity; p++) {
            if (word(processBase(p) + PROCESS_STATE) == PROCESS_FREE) {
                putWord(processBase(p) + PROCESS_PID, deadPid);
                putWord(processBase(p) + PROCESS_START_TIME, 1);
                putWord(processBase(p) + PROCESS_HANDLES, 1);
                putWord(processBase(p) + PROCESS_STATE, PROCESS_LIVE);
                return p;
            }
        }
        throw new IllegalStateException("no free process slot");
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
