package shm.provider.mmap;

import static shm.provider.mmap.TableLayout.*;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import shm.api.ErrorReason;
import shm.api.ShmException;

/**
 * The directory of the object table ({@link TableLayout}): names bound within scopes to numbers, each binding owned
 * by the process that made it.
 */
final class DirectoryEntries {

    private final TableWords w;
    private final Path root;

    DirectoryEntries(TableWords w, Path root) {
        this.w = w;
        this.root = root;
    }

    /** Binds {@code name} in {@code scope}, owned by this process. */
    void bind(String scope, String name, long value, int selfSlot) {
        byte[] scopeBytes = scope.getBytes(StandardCharsets.UTF_8);
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        if (scopeBytes.length > DIRECTORY_SCOPE_BYTES) {
            throw new ShmException(ErrorReason.INVALID_PARAMETER, name, "a directory scope has at most "
                    + DIRECTORY_SCOPE_BYTES + " UTF-8 bytes: '" + scope + "'");
        }
        if (nameBytes.length == 0 || nameBytes.length > DIRECTORY_NAME_BYTES) {
            throw new ShmException(ErrorReason.INVALID_NAME, name, "a directory name has 1 to "
                    + DIRECTORY_NAME_BYTES + " UTF-8 bytes");
        }
        if (findBinding(scope, name) >= 0) {
            throw new ShmException(ErrorReason.WRONG_STATE, name, "the name is already bound in directory scope '"
                    + scope + "'");
        }
        int free = -1;
        for (int e = 0; e < w.directoryCapacity && free < 0; e++) {
            if (w.directoryWord(e, DIRECTORY_STATE) == 0) {
                free = e;
            }
        }
        if (free < 0) {
            throw new ShmException(ErrorReason.LIMIT, name, "the directory of " + root + " is full ("
                    + w.directoryCapacity + " names)");
        }
        int e = free;
        w.transaction(() -> {
            w.putDirectory(e, DIRECTORY_OWNER, selfSlot);
            w.putDirectory(e, DIRECTORY_HASH, bindingHash(scope, name));
            w.putDirectory(e, DIRECTORY_VALUE, value);
            w.putDirectory(e, DIRECTORY_SCOPE_LENGTH, scopeBytes.length);
            w.putDirectory(e, DIRECTORY_NAME_LENGTH, nameBytes.length);
            w.putBytes(w.directoryBase(e) + DIRECTORY_SCOPE, scopeBytes, DIRECTORY_SCOPE_BYTES);
            w.putBytes(w.directoryBase(e) + DIRECTORY_NAME, nameBytes, DIRECTORY_NAME_BYTES);
            w.putDirectory(e, DIRECTORY_STATE, 1);
        });
    }

    /** The value bound to {@code name} in {@code scope}, or {@code null}. */
    Long lookup(String scope, String name) {
        int e = findBinding(scope, name);
        return e < 0 ? null : w.directoryWord(e, DIRECTORY_VALUE);
    }

    /** Removes a binding; {@code false} when there was none. */
    boolean unbind(String scope, String name) {
        int e = findBinding(scope, name);
        if (e < 0) {
            return false;
        }
        w.transaction(() -> w.putDirectory(e, DIRECTORY_STATE, 0));
        return true;
    }

    private int findBinding(String scope, String name) {
        long hash = bindingHash(scope, name);
        for (int e = 0; e < w.directoryCapacity; e++) {
            if (w.directoryWord(e, DIRECTORY_STATE) == 1 && w.directoryWord(e, DIRECTORY_HASH) == hash
                    && w.readString(w.directoryBase(e) + DIRECTORY_SCOPE,
                    (int) w.directoryWord(e, DIRECTORY_SCOPE_LENGTH)).equals(scope)
                    && w.readString(w.directoryBase(e) + DIRECTORY_NAME,
                    (int) w.directoryWord(e, DIRECTORY_NAME_LENGTH)).equals(name)) {
                return e;
            }
        }
        return -1;
    }

    private static long bindingHash(String scope, String name) {
        return TableLayout.hash(scope + "\0" + name);
    }

    /** The bound entries a process owns. */
    List<Integer> ownedBy(int processSlot) {
        List<Integer> owned = new ArrayList<>();
        for (int e = 0; e < w.directoryCapacity; e++) {
            if (w.directoryWord(e, DIRECTORY_STATE) == 1 && w.directoryWord(e, DIRECTORY_OWNER) == processSlot) {
                owned.add(e);
            }
        }
        return owned;
    }

    /** Removes a binding, inside a transaction. */
    void remove(int e) {
        w.putDirectory(e, DIRECTORY_STATE, 0);
    }
}
