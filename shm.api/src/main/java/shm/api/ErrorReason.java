package shm.api;

/**
 * Vendor-neutral reason of a {@link ShmException}. Each vendor personality maps its own error numbers onto these
 * reasons; the exact vendor number travels beside it in {@link ShmException#vendorError()}.
 */
public enum ErrorReason {
    /** No object of that name exists (open of a missing name). */
    NOT_FOUND,
    /** The name breaks a naming rule (empty, too long, a forbidden character). */
    INVALID_NAME,
    /** An argument is out of range or inconsistent (size zero, negative, unsupported flags). */
    INVALID_PARAMETER,
    /** The memory (tmpfs, pool, physical memory) cannot hold the object. */
    NO_MEMORY,
    /** The name is held by an object of another type in the shared namespace. */
    NAME_USED_BY_OTHER_TYPE,
    /** A configured or documented limit would be exceeded (per-process objects, pool size). */
    LIMIT,
    /** A slot table (such as INtime's descriptor table) is full. */
    NO_SLOT,
    /** A handle refers to an object of the wrong type. */
    WRONG_TYPE,
    /** The operation is not allowed in the object's current state (not mapped, mapped read-only). */
    WRONG_STATE,
    /** An address or size is not aligned as the operation requires. */
    ALIGNMENT,
    /** The object lives where this caller cannot reach it. */
    LOCATION,
    /** The handle, mapping or service was already closed. */
    CLOSED,
    /** The operating system or the object's permissions refuse the access. */
    ACCESS_DENIED,
    /** A file or table in the backend's store is not what the platform wrote (foreign or incompatible). */
    INCOMPATIBLE_STORE,
    /** An unexpected failure of the backend or the operating system. */
    INTERNAL
}
