package shm.provider.mmap;

import org.osgi.framework.BundleContext;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;

import shm.api.spi.ShmBackend;
import shm.api.spi.StoreCheck;
import shm.api.spi.StoreReport;

/**
 * The operator's check and repair of the mmap store, as a service of its own under the backend's configuration
 * ({@value MmapBackendComponent#PID}): it opens nothing when activated, so it is there also when the store is so
 * damaged that the backend cannot start. Each check opens the root, takes the table lock, and lets it go.
 */
@Component(service = StoreCheck.class, configurationPid = MmapBackendComponent.PID,
        property = ShmBackend.TYPE_PROPERTY + "=" + MmapBackend.TYPE)
public final class MmapStoreCheckComponent implements StoreCheck {

    private final MmapSettings settings;

    /** Takes the settings of the configuration; opens nothing yet. */
    @Activate
    public MmapStoreCheckComponent(MmapBackendComponent.Config config, BundleContext context) {
        this.settings = MmapBackendComponent.settings(config, context);
    }

    @Override
    public StoreReport check(boolean repair) {
        return StoreRepair.check(settings, repair);
    }
}
