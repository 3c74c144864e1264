package shm.provider.win32;

import java.lang.System.Logger.Level;
import java.util.Hashtable;
import java.util.Map;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceRegistration;

import shm.api.spi.ShmBackend;

/**
 * Registers a vendor backend as a {@link ShmBackend} service with its capabilities and ranking, or, when the vendor
 * library cannot be bound, registers nothing and logs one line naming the library and the symbol. A component
 * composes one per activation and {@link #close()}s it on deactivation: the service goes first, then every handle,
 * then the library is unloaded.
 */
public final class BackendRegistration implements AutoCloseable {

    /** How a component opens its backend; throws when the library or a symbol is missing. */
    @FunctionalInterface
    public interface Opener {
        /** Loads, binds and returns the backend. */
        Win32Backend open() throws LibraryUnavailableException;
    }

    private final Win32Backend backend;
    private final ServiceRegistration<ShmBackend> registration;

    /**
     * Opens the backend and registers it, or logs why not.
     *
     * @param component the component's name, for the log line
     */
    public BackendRegistration(BundleContext context, String component, int ranking, Opener opener) {
        Win32Backend opened = null;
        ServiceRegistration<ShmBackend> registered = null;
        try {
            opened = opener.open();
            Hashtable<String, Object> properties = new Hashtable<>(opened.capabilities().properties());
            properties.put(Constants.SERVICE_RANKING, ranking);
            registered = context.registerService(ShmBackend.class, opened, properties);
        } catch (LibraryUnavailableException e) {
            System.getLogger(component).log(Level.WARNING, component + ": no backend registered: " + e.getMessage());
        } catch (RuntimeException e) {
            if (opened != null) {
                opened.close();
            }
            throw e;
        }
        this.backend = registered == null ? null : opened;
        this.registration = registered;
    }

    /** A component's setting: the configured value, else the framework property, else the default. */
    public static String setting(String configured, BundleContext context, String property, String fallback) {
        if (configured != null && !configured.isBlank()) {
            return configured.strip();
        }
        String fromFramework = context.getProperty(property);
        return fromFramework == null || fromFramework.isBlank() ? fallback : fromFramework.strip();
    }

    /** Whether the backend is registered. */
    public boolean registered() {
        return registration != null;
    }

    /** The service properties published, empty when nothing is registered. */
    public Map<String, Object> properties() {
        return backend == null ? Map.of() : backend.capabilities().properties();
    }

    /** Unregisters the service, closes the backend's handles and unloads its libraries. Idempotent. */
    @Override
    public void close() {
        if (registration != null) {
            try {
                registration.unregister();
            } catch (IllegalStateException alreadyGone) {
                // the framework unregistered it while stopping the bundle
            }
        }
        if (backend != null) {
            backend.close();
        }
    }
}
