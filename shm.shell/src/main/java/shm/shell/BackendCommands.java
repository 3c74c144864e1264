package shm.shell;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Dictionary;
import java.util.HashSet;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.SatisfiedReferenceDTO;

import shm.api.ShmException;
import shm.api.spi.ParkedHold;
import shm.api.spi.ShmBackend;

/**
 * The operator's view of backends and swaps, Gogo scope {@code shm}: {@code backends} lists every backend (type,
 * ranking, namespace, park deadline, bundle and version), which backend the neutral service (per using bundle) and each
 * personality instance is bound to, and every parked hold with its deadline; {@code rank} changes a backend's
 * {@code service.ranking} through its configuration (the backend stays up, consumers re-choose: handles over the same
 * store move, a move to another namespace is refused); {@code use} pins the neutral service to a backend type through
 * its {@code backend.target}. Every answer is text; every failure one line.
 */
@Component(service = BackendCommands.class)
@GogoCommand(scope = "shm", function = {"backends", "rank", "use"})
public final class BackendCommands {

    private static final String CORE_PID = "shm.core";
    /** The component name of the neutral service (shm.core's {@code NeutralServiceComponent}). */
    private static final String NEUTRAL_COMPONENT = "shm.core.NeutralServiceComponent";

    private final BundleContext context;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ServiceComponentRuntime runtime;

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile ConfigurationAdmin configurations;

    /** Writes a changed configuration back into its file in etc/ before the command answers (absent without a home). */
    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC)
    private volatile shm.shell.runtime.EtcWriteBack writeBack;

    /** Commands that read the service registry through {@code context}. */
    @Activate
    public BackendCommands(BundleContext context) {
        this.context = context;
    }

    /** Lists backends, bindings and parked holds. */
    @Descriptor("list every backend, what the neutral service and each personality is bound to, and parked holds")
    public String backends() {
        List<ServiceReference<ShmBackend>> references = backendReferences();
        StringBuilder out = new StringBuilder("backends (best first):\n");
        if (references.isEmpty()) {
            out.append("  none registered\n");
        }
        for (ServiceReference<ShmBackend> reference : references) {
            out.append("  ").append(describe(reference)).append('\n');
        }
        out.append("bound to them:\n").append(bindings());
        out.append("parked holds:\n").append(parked(references));
        return out.toString();
    }

    /** Changes a backend's ranking through its configuration. */
    @Descriptor("set the service.ranking of a backend (by service id or type) through its configuration")
    public String rank(@Descriptor("service id or type, such as mmap") String backend,
                       @Descriptor("the new ranking; the highest wins") String rankingText) throws IOException {
        int ranking;
        try {
            ranking = Integer.parseInt(rankingText.strip());
        } catch (NumberFormatException notANumber) {
            throw new UsageException(OperatorText.quoted(rankingText) + " is not a ranking: a whole number from "
                    + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE, "shm:rank <service id|type> <ranking>");
        }
        ServiceReference<ShmBackend> reference = find(backend);
        Object pid = reference.getProperty(Constants.SERVICE_PID);
        if (pid == null) {
            throw new IllegalArgumentException("backend " + backend + " has no configuration (no service.pid) whose"
                    + " ranking could be set");
        }
        Configuration configuration = configurationAdmin().getConfiguration(pid.toString(), "?");
        Dictionary<String, Object> properties = properties(configuration);
        properties.put(Constants.SERVICE_RANKING, ranking);
        configuration.update(properties);
        writtenBack(configuration);
        return "ranking of " + describe(reference) + " set to " + ranking + " (consumers re-choose; see shm:backends)";
    }

    /**
     * Pins the neutral service to one backend type, or unpins it with {@code *}; refuses a type no registered backend
     * has, and, without {@code force}, a type whose backends do not serve the stores the service is bound to now
     * ({@link BackendUse}).
     */
    @Descriptor("make the neutral service use backends of one type only ('*' for any)")
    public String use(@Descriptor("switch even when no backend of the type serves the store the neutral service is"
                              + " bound to now (its handles there are parked, then released)")
                      @Parameter(names = {"-f", "--force"}, presentValue = "true", absentValue = "false") boolean force,
                      @Descriptor("backend type, such as mmap, or *") String type) throws IOException {
        if (!type.equals("*") && !type.matches("[A-Za-z0-9._-]+")) {
            throw new UsageException(OperatorText.quoted(type) + " is not a backend type: letters, digits, '.', '_',"
                    + " '-', or '*' for any", "shm:use [--force] <type|*>");
        }
        String refusal = BackendUse.refusal(type, force, registered(), neutralBound());
        if (refusal != null) {
            throw new CommandFailure(refusal, null);
        }
        Configuration configuration = configurationAdmin().getConfiguration(CORE_PID, "?");
        Dictionary<String, Object> properties = properties(configuration);
        String target = "(" + ShmBackend.TYPE_PROPERTY + "=" + type + ")";
        properties.put("backend.target", target);
        configuration.update(properties);
        writtenBack(configuration);
        return "neutral service now binds " + target + " (handles move only within one namespace; see shm:backends)";
    }

    /** Every registered backend, as {@link BackendUse} sees it. */
    private List<BackendUse.Backend> registered() {
        return backendReferences().stream().map(reference -> new BackendUse.Backend(
                (Long) reference.getProperty(Constants.SERVICE_ID),
                String.valueOf(reference.getProperty(ShmBackend.TYPE_PROPERTY)),
                String.valueOf(reference.getProperty(ShmBackend.NAMESPACE_PROPERTY)),
                reference.getProperty(ShmBackend.PARK_DEADLINE_PROPERTY) instanceof Number n ? n.longValue() / 1000
                        : 0)).toList();
    }

    /** The service ids of the backends the neutral service's active instances are bound to. */
    private Set<Long> neutralBound() {
        ServiceComponentRuntime scr = runtime;
        if (scr == null) {
            return Set.of();
        }
        Set<Long> bound = new HashSet<>();
        for (var description : scr.getComponentDescriptionDTOs()) {
            if (!NEUTRAL_COMPONENT.equals(description.name)) {
                continue;
            }
            for (ComponentConfigurationDTO configuration : scr.getComponentConfigurationDTOs(description)) {
                for (SatisfiedReferenceDTO reference : configuration.satisfiedReferences) {
                    if (isBackendReference(description, reference.name)) {
                        for (var service : reference.boundServices) {
                            bound.add(service.id);
                        }
                    }
                }
            }
        }
        return bound;
    }

    private String bindings() {
        ServiceComponentRuntime scr = runtime;
        if (scr == null) {
            return "  (no Service Component Runtime to ask)\n";
        }
        StringBuilder out = new StringBuilder();
        for (var description : scr.getComponentDescriptionDTOs()) {
            for (ComponentConfigurationDTO configuration : scr.getComponentConfigurationDTOs(description)) {
                for (SatisfiedReferenceDTO reference : configuration.satisfiedReferences) {
                    if (!isBackendReference(description, reference.name)) {
                        continue;
                    }
                    // a delayed component (a personality) that nobody used yet is satisfied, not active: it binds
                    // its backend at its first use, which "nothing" would hide
                    String bound = configuration.state != ComponentConfigurationDTO.ACTIVE
                            ? "(not active yet: binds on first use)"
                            : reference.boundServices.length == 0 ? "nothing" : java.util.Arrays
                            .stream(reference.boundServices).map(s -> "service " + s.id)
                            .collect(Collectors.joining(", "));
                    out.append("  ").append(description.name).append(" #").append(configuration.id)
                            .append(" (").append(description.bundle.symbolicName).append(") -> ").append(bound)
                            .append('\n');
                }
            }
        }
        return out.isEmpty() ? "  no component binds a backend\n" : out.toString();
    }

    private static boolean isBackendReference(org.osgi.service.component.runtime.dto.ComponentDescriptionDTO d,
                                              String name) {
        return java.util.Arrays.stream(d.references)
                .anyMatch(r -> r.name.equals(name) && ShmBackend.class.getName().equals(r.interfaceName));
    }

    private String parked(List<ServiceReference<ShmBackend>> references) {
        Map<Object, ServiceReference<ShmBackend>> byNamespace = new LinkedHashMap<>();
        for (ServiceReference<ShmBackend> reference : references) {
            Object namespace = reference.getProperty(ShmBackend.NAMESPACE_PROPERTY);
            byNamespace.putIfAbsent(namespace == null ? reference : namespace, reference);
        }
        StringBuilder out = new StringBuilder();
        Instant now = Instant.now();
        for (ServiceReference<ShmBackend> reference : byNamespace.values()) {
            ShmBackend backend = context.getService(reference);
            if (backend == null) {
                continue;
            }
            try {
                for (ParkedHold hold : backend.parkedHolds()) {
                    out.append("  ").append(hold.name() == null ? "(unnamed " + hold.key() + ")" : "'" + hold.name()
                            + "'").append(" pid ").append(hold.pid()).append(" holds ").append(hold.holds())
                            .append(" until ").append(hold.deadline()).append(" (in ")
                            .append(Math.max(0, Duration.between(now, hold.deadline()).toSeconds())).append(" s) in ")
                            .append(reference.getProperty(ShmBackend.NAMESPACE_PROPERTY)).append('\n');
                }
            } catch (ShmException e) {
                out.append("  ").append(describe(reference)).append(": ").append(e.getMessage()).append('\n');
            } finally {
                context.ungetService(reference);
            }
        }
        return out.isEmpty() ? "  none\n" : out.toString();
    }

    private static String describe(ServiceReference<ShmBackend> reference) {
        Bundle bundle = reference.getBundle();
        Object park = reference.getProperty(ShmBackend.PARK_DEADLINE_PROPERTY);
        return "service " + reference.getProperty(Constants.SERVICE_ID) + " type "
                + reference.getProperty(ShmBackend.TYPE_PROPERTY) + " ranking " + ranking(reference) + " namespace "
                + reference.getProperty(ShmBackend.NAMESPACE_PROPERTY) + " park "
                + (park instanceof Number n ? n.longValue() / 1000 + " s" : "never") + " bundle "
                + (bundle == null ? "(gone)" : bundle.getSymbolicName() + " " + bundle.getVersion());
    }

    private static int ranking(ServiceReference<?> reference) {
        return reference.getProperty(Constants.SERVICE_RANKING) instanceof Integer r ? r : 0;
    }

    private ServiceReference<ShmBackend> find(String backend) {
        List<ServiceReference<ShmBackend>> matches = new ArrayList<>();
        for (ServiceReference<ShmBackend> reference : backendReferences()) {
            if (backend.equals(String.valueOf(reference.getProperty(Constants.SERVICE_ID)))
                    || backend.equals(reference.getProperty(ShmBackend.TYPE_PROPERTY))) {
                matches.add(reference);
            }
        }
        if (matches.size() != 1) {
            throw new IllegalArgumentException(matches.isEmpty() ? "no backend has the service id or type '"
                    + backend + "' (see shm:backends)" : matches.size() + " backends are of type '" + backend
                    + "': name one by its service id (see shm:backends)");
        }
        return matches.getFirst();
    }

    private List<ServiceReference<ShmBackend>> backendReferences() {
        try {
            Collection<ServiceReference<ShmBackend>> found = context.getServiceReferences(ShmBackend.class, null);
            return found.stream().sorted(java.util.Comparator.reverseOrder()).toList();
        } catch (InvalidSyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private void writtenBack(Configuration configuration) {
        shm.shell.runtime.EtcWriteBack files = writeBack;
        if (files != null) {
            files.writeBack(configuration.getPid());
        }
    }

    private ConfigurationAdmin configurationAdmin() {
        ConfigurationAdmin admin = configurations;
        if (admin == null) {
            throw new IllegalStateException("no Configuration Admin service is running, so no setting can change");
        }
        return admin;
    }

    private static Dictionary<String, Object> properties(Configuration configuration) {
        Dictionary<String, Object> current = configuration.getProperties();
        Dictionary<String, Object> copy = new Hashtable<>();
        if (current != null) {
            for (var keys = current.keys(); keys.hasMoreElements(); ) {
                String key = keys.nextElement();
                copy.put(key, current.get(key));
            }
        }
        return copy;
    }
}
