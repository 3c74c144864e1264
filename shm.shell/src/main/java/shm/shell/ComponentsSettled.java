package shm.shell;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.ComponentDescriptionDTO;

/**
 * Tells when Declarative Services has tried to activate every immediate component of the started shm bundles (a
 * component configuration of an immediate component that is still {@code SATISFIED} is about to be activated), so
 * that a command given on the command line sees the backend and the personalities, not a platform half up.
 */
final class ComponentsSettled {

    /** The prefix of the symbolic names of the platform's own bundles. */
    static final String SHM_BUNDLES = "shm.";
    private static final Duration POLL = Duration.ofMillis(5);

    private ComponentsSettled() {
    }

    /**
     * Waits until the components settled or the deadline passed.
     *
     * @return whether they settled
     */
    static boolean await(BundleContext context, ServiceComponentRuntime components, Instant deadline)
            throws InterruptedException {
        while (!settled(context, components)) {
            if (!Instant.now().isBefore(deadline)) {
                return false;
            }
            Thread.sleep(POLL.toMillis());
        }
        return true;
    }

    /** Whether no immediate component of an active shm bundle waits for its activation. */
    static boolean settled(BundleContext context, ServiceComponentRuntime components) {
        for (Bundle bundle : context.getBundles()) {
            String name = bundle.getSymbolicName();
            if (name == null || !name.startsWith(SHM_BUNDLES) || bundle.getState() != Bundle.ACTIVE) {
                continue;
            }
            for (ComponentDescriptionDTO description : components.getComponentDescriptionDTOs(bundle)) {
                if (!description.immediate || !components.isComponentEnabled(description)) {
                    continue;
                }
                Collection<ComponentConfigurationDTO> configurations =
                        components.getComponentConfigurationDTOs(description);
                if (configurations.stream().anyMatch(c -> c.state == ComponentConfigurationDTO.SATISFIED)) {
                    return false;
                }
            }
        }
        return true;
    }
}
