package shm.personality.intime;

import java.util.OptionalLong;

import shm.api.ErrorReason;
import shm.api.ShmException;
import shm.api.spi.Directory;

/**
 * Which INtime process owns which slot of a system-wide table, kept in the backend's directory (one scope per table,
 * the slot number as the name, the owner's token as the value). A descriptor table knows only the operating-system
 * process that created a descriptor; one JVM may run several INtime processes, and a slot deleted by another process
 * may be reused at once, so a process checks its tag before it treats a slot as its own. Tags die with their
 * operating-system process, as the descriptors do. Not thread-safe on its own: the personality's lock guards it.
 */
final class SlotOwnership {

    private final Directory directory;
    private final String scope;
    private final long token;

    /**
     * @param directory the backend's directory
     * @param scope     the scope of the table's tags
     * @param token     this process's tag, unique among live INtime processes
     */
    SlotOwnership(Directory directory, String scope, long token) {
        this.directory = directory;
        this.scope = scope;
        this.token = token;
    }

    /** Tags a slot this process has just created as its own, replacing a stale tag left by the slot's last owner. */
    void claim(int slot) {
        String name = Integer.toString(slot);
        try {
            directory.bind(scope, name, token);
        } catch (ShmException e) {
            if (e.reason() != ErrorReason.WRONG_STATE) {
                throw e;
            }
            directory.unbind(scope, name);
            directory.bind(scope, name, token);
        }
    }

    /** Whether this process's tag is on the slot. */
    boolean owns(int slot) {
        OptionalLong owner = directory.lookup(scope, Integer.toString(slot));
        return owner.isPresent() && owner.getAsLong() == token;
    }

    /** Removes this process's tag from the slot; a tag of another process is left alone. */
    void release(int slot) {
        if (owns(slot)) {
            directory.unbind(scope, Integer.toString(slot));
        }
    }

    /** Removes whatever tag the slot has: the slot was deleted, whoever owned it. */
    void disown(int slot) {
        directory.unbind(scope, Integer.toString(slot));
    }
}
