package shm.api;

/** How a mapping may be used. */
public enum Access {
    /** Reads only; a write through the segment throws. */
    READ_ONLY,
    /** Reads and writes. */
    READ_WRITE
}
