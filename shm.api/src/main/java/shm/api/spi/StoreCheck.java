package shm.api.spi;

/**
 * The operator's check and repair of a backend's store: what is inconsistent, corrupt or foreign in it, and, when
 * asked, the repair of what can be repaired without losing an object a process still holds. Registered by backends
 * whose store can be damaged outside the platform (files on tmpfs); usable also when the store is so damaged that the
 * backend itself cannot start.
 *
 * @since 1.2
 */
@org.osgi.annotation.versioning.ProviderType
public interface StoreCheck {

    /**
     * Checks the store and, when {@code repair} is set, repairs it: what cannot be trusted is dropped from the shared
     * tables (never a file that may hold an object's data), a table that cannot be read at all is moved aside, and
     * files that are not the store's are reported and left alone.
     *
     * @param repair whether to change the store, or only report
     * @return what was found and what was done
     * @throws shm.api.ShmException ACCESS_DENIED or INCOMPATIBLE_STORE when the store cannot be opened at all
     */
    StoreReport check(boolean repair);
}
