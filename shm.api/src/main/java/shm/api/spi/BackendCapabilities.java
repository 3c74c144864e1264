package shm.api.spi;

/**
 * Names and values of the service properties by which a {@link ShmBackend} says what it can do of this SPI. A backend
 * that offers all of it (as the mmap backend does) may publish none of them: <b>an absent property means the full
 * capability</b>. A vendor backend publishes each one, and refuses what it cannot do with a
 * {@link shm.api.ShmException} of reason {@link shm.api.ErrorReason#LOCATION} whose message names the property.
 * Personalities and operators choose a backend by them with a target filter, for example
 * {@code (!(shm.backend.pools=false))}.
 *
 * @since 1.2
 */
public final class BackendCapabilities {

    /** String: the vendor and product the backend runs over, such as {@code "IntervalZero RTX64"}. */
    public static final String VENDOR = "shm.backend.vendor";
    /** String: the library name or path the backend bound. */
    public static final String LIBRARY = "shm.backend.library";
    /** String: the library's version, where the library reports one. */
    public static final String LIBRARY_VERSION = "shm.backend.library.version";
    /** Long: the largest object the backend can create, in bytes. */
    public static final String MAX_OBJECT_SIZE = "shm.backend.maxObjectSize";
    /** Integer: the longest name the backend accepts, in UTF-16 characters. */
    public static final String MAX_NAME_LENGTH = "shm.backend.maxNameLength";

    /** String: what {@link ShmBackend#descriptors} offers, one of the {@code DESCRIPTOR_TABLES_*} values. */
    public static final String DESCRIPTOR_TABLES = "shm.backend.descriptorTables";
    /** Descriptor tables of any name: create, get, delete. */
    public static final String DESCRIPTOR_TABLES_FULL = "full";
    /** Only the vendor's own table, read through RT-handle import: {@link DescriptorTable#get} works. */
    public static final String DESCRIPTOR_TABLES_IMPORT = "import";
    /** No descriptor tables. */
    public static final String DESCRIPTOR_TABLES_NONE = "none";

    /** String: what {@link ShmBackend#directory} offers, one of the {@code DIRECTORY_*} values. */
    public static final String DIRECTORY = "shm.backend.directory";
    /** Bind, look up and unbind in any scope. */
    public static final String DIRECTORY_FULL = "full";
    /** Look up in the vendor's root directory only. */
    public static final String DIRECTORY_LOOKUP = "lookup";
    /** No directory. */
    public static final String DIRECTORY_NONE = "none";

    /** Boolean: whether {@link ShmBackend#setPoolLimit} and pool charging work. */
    public static final String POOLS = "shm.backend.pools";
    /** Boolean: whether RT handles found in data can be imported (INtime {@code ntxImportRtHandle}). */
    public static final String RT_HANDLE_IMPORT = "shm.backend.rtHandleImport";

    /** String: what {@link ShmBackend#list} sees, one of the {@code ENUMERATION_*} values. */
    public static final String ENUMERATION = "shm.backend.enumeration";
    /** Every named object of every process, with every holder. */
    public static final String ENUMERATION_ALL = "all";
    /**
     * The named objects this process holds through the backend, with this process as the only holder listed; a
     * {@link ShmBackend#lookup} still finds any object by name.
     */
    public static final String ENUMERATION_PROCESS = "process";

    /** Boolean: whether an {@link ObjectRef} can be opened in another process. */
    public static final String CROSS_PROCESS_REFS = "shm.backend.crossProcessRefs";
    /** Boolean: whether {@link BackendHandle#shrinkLogicalSize} is seen by other processes. */
    public static final String SHARED_LOGICAL_SIZE = "shm.backend.sharedLogicalSize";

    /**
     * Boolean: whether {@link ShmBackend#waitForMultipleObjects} works.
     *
     * @since 1.3
     */
    public static final String WAIT_MULTIPLE = "shm.backend.waitMultiple";

    /**
     * Boolean: whether {@link ShmBackend#syncRef}, {@link ShmBackend#parkSync} and the {@code open...ByRef} calls of
     * events, mutexes and semaphores work.
     *
     * @since 1.4
     */
    public static final String SYNC_REFS = "shm.backend.syncRefs";

    private BackendCapabilities() {
    }
}
