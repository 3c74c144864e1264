package shm.api;

import java.util.List;
import java.util.Objects;

/**
 * A snapshot of one named object, as an operator sees it.
 *
 * <p>Sizes: {@code logicalSize} is what callers are given (what {@link SharedMemory#byteSize()} and
 * {@link shm.api.spi.BackendHandle#byteSize()} answer); {@code byteSize} is, for historical reasons, the size the
 * store <em>reserves</em> for the object, also available as {@link #reservedSize()}.
 *
 * @param name        the object's name; {@code null} for an unnamed object (the rule of every value type and of the
 *                    SPI; handles an application holds answer {@code Optional} instead)
 * @param type        the object's type
 * @param byteSize    the size reserved for the object, in bytes (see {@link #reservedSize()})
 * @param logicalSize the size callers are given, at most {@code byteSize}; smaller when a personality shrank it
 * @param holders     the processes known to hold handles, possibly empty when the backend cannot tell
 * @param state       the state in words, for consumers of version 1.0; empty for shared memory
 * @param objectState the state, typed per object type ({@link ObjectState#NONE} for shared memory); never
 *                    {@code null}
 */
public record ObjectInfo(String name, ObjectType type, long byteSize, long logicalSize, List<HolderInfo> holders,
                         String state, ObjectState objectState) {

    /** Checks sizes and copies the holder list. */
    public ObjectInfo {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(objectState, "objectState");
        if (byteSize < 0 || logicalSize < 0 || logicalSize > byteSize) {
            throw new IllegalArgumentException(
                    "sizes must satisfy 0 <= logicalSize <= byteSize: " + logicalSize + ", " + byteSize);
        }
        holders = List.copyOf(holders);
    }

    /**
     * A snapshot with a typed state; {@link #state()} then holds the typed state's text ({@code ""} for
     * {@link ObjectState#NONE}).
     *
     * @since 1.1
     */
    public ObjectInfo(String name, ObjectType type, long byteSize, long logicalSize, List<HolderInfo> holders,
            ObjectState objectState) {
        this(name, type, byteSize, logicalSize, holders, switch (objectState) {
            case ObjectState.None none -> "";
            case ObjectState.Text text -> text.words();
            default -> String.valueOf(objectState);
        }, objectState);
    }

    /**
     * A snapshot whose state is known only in words (version 1.0); its typed state is {@link ObjectState#NONE}
     * when {@code state} is empty, otherwise {@link ObjectState.Text} with the words.
     *
     * @deprecated since 1.1: give the typed state
     */
    @Deprecated(since = "1.1")
    public ObjectInfo(String name, ObjectType type, long byteSize, long logicalSize, List<HolderInfo> holders,
            String state) {
        this(name, type, byteSize, logicalSize, holders, state,
                state.isEmpty() ? ObjectState.NONE : new ObjectState.Text(state));
    }

    /** A snapshot without state, as for shared memory. */
    public ObjectInfo(String name, ObjectType type, long byteSize, long logicalSize, List<HolderInfo> holders) {
        this(name, type, byteSize, logicalSize, holders, ObjectState.NONE);
    }

    /**
     * The state in words.
     *
     * @deprecated since 1.1: read {@link #objectState()}, typed per object type, and render it where it is shown
     */
    @Deprecated(since = "1.1")
    @Override
    public String state() {
        return state;
    }

    /**
     * The size the store reserves for the object, in bytes: the same as {@link #byteSize()}, under the name the SPI
     * uses for it ({@link shm.api.spi.BackendHandle#reservedSize()}).
     *
     * @since 1.1
     */
    public long reservedSize() {
        return byteSize;
    }

    /** The total number of handles held by all listed holders (of holds, see {@link HolderInfo#handles()}). */
    public int handleCount() {
        return holders.stream().mapToInt(HolderInfo::handles).sum();
    }
}
