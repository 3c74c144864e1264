package shm.provider.mmap;

/**
 * A value in the object table that this layout never writes (an index outside its section, a file name the name
 * codec never produces, a journal entry outside the table). Thrown by the table's readers before the value is used;
 * the {@link ObjectTable} turns it into an {@link shm.api.ErrorReason#INCOMPATIBLE_STORE} naming the store, the field
 * and its offset.
 */
final class CorruptTableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** A word of the table that holds an impossible value. */
    CorruptTableException(String field, long offset, long value) {
        this(field, offset, String.valueOf(value));
    }

    /** A field of the table that holds an impossible value, described. */
    CorruptTableException(String field, long offset, String value) {
        super("the " + field + " at offset " + offset + " holds " + value);
    }
}
