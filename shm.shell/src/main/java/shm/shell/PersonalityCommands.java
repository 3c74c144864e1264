package shm.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.ComponentConstants;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.component.runtime.ServiceComponentRuntime;
import org.osgi.service.component.runtime.dto.ComponentConfigurationDTO;
import org.osgi.service.component.runtime.dto.SatisfiedReferenceDTO;

import shm.api.inspect.InspectionTable;
import shm.api.inspect.PersonalityInspection;
import shm.api.spi.ShmBackend;

/**
 * {@code shm:personalities} lists every personality instance (RTX, INtime, NTX) with its configuration and the
 * backend it is bound to; {@code shm:personality <instance> [<table>]} shows one of its tables: an RTX or iwin32
 * process's handles, INtime's GDT slots, catalog and pools, NTX's cached mappings. Looking never starts an instance
 * that no application has used yet (Declarative Services starts a personality on its first use); such an instance
 * holds nothing, and the commands say so.
 */
@Component(service = PersonalityCommands.class)
@GogoCommand(scope = "shm", function = {"personalities", "personality"})
public final class PersonalityCommands {

    static final String USAGE = "shm:personality <instance> [<table>]  (instances: shm:personalities)";

    private final BundleContext context;
    private final ServiceComponentRuntime components;

    @Reference(service = PersonalityInspection.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<ServiceReference<PersonalityInspection>> instances = List.of();

    /** The commands over the registry of {@code context} and the components Declarative Services runs. */
    @Activate
    public PersonalityCommands(BundleContext context, @Reference ServiceComponentRuntime components) {
        this.context = context;
        this.components = components;
    }

    /** Lists the personality instances. */
    @Descriptor("list the personality instances (RTX, INtime, NTX): configuration, and the backend each is bound to")
    public void personalities(@Descriptor("(no arguments)") String... arguments) {
        ShmCommands.answer(() -> {
            if (arguments.length != 0) {
                throw new UsageException("shm:personalities takes no arguments", "shm:personalities");
            }
            List<List<String>> rows = new ArrayList<>();
            for (ServiceReference<PersonalityInspection> instance : sorted()) {
                rows.add(List.of(name(instance), instanceName(instance), binding(instance), settings(instance)));
            }
            return rows.isEmpty() ? "no personality is registered"
                    : TextTable.format(List.of("PERSONALITY", "INSTANCE", "BOUND TO", "CONFIGURATION"), rows);
        });
    }

    /** Shows one table of one instance, or names its tables. */
    @Descriptor("show a personality instance's table: RTX handles; INtime handles, gdt, catalog, pools; NTX"
            + " mappings. Without a table, names them. Usage: " + USAGE)
    public void personality(@Descriptor("<instance> [<table>]") String... arguments) {
        ShmCommands.answer(() -> {
            List<String> words = ShmCommands.words(arguments);
            if (words.isEmpty() || words.size() > 2 || words.contains(null)) {
                throw new UsageException(words.isEmpty() ? "missing arguments" : "too many arguments", USAGE);
            }
            ServiceReference<PersonalityInspection> instance = find(words.get(0));
            if (!active(instance)) {
                return name(instance) + " " + instanceName(instance) + " is not active: no application has used it"
                        + " yet, so it holds nothing (looking does not start it)";
            }
            PersonalityInspection inspection = context.getService(instance);
            if (inspection == null) {
                throw new IllegalStateException(instanceName(instance) + " went away");
            }
            try {
                if (words.size() == 1) {
                    return name(instance) + " " + instanceName(instance) + " shows: "
                            + String.join(", ", inspection.tables()) + " (shm:personality " + words.get(0)
                            + " <table>)";
                }
                String table = words.get(1);
                if (!inspection.tables().contains(table)) {
                    throw new UsageException(name(instance) + " has no table '" + table + "' (it has "
                            + String.join(", ", inspection.tables()) + ")", USAGE);
                }
                InspectionTable shown = inspection.table(table);
                return shown.rows().isEmpty() ? name(instance) + " " + instanceName(instance) + ": no " + table
                        : TextTable.format(shown.columns(), shown.rows());
            } finally {
                context.ungetService(instance);
            }
        });
    }

    private List<ServiceReference<PersonalityInspection>> sorted() {
        List<ServiceReference<PersonalityInspection>> all = new ArrayList<>(instances);
        all.sort((a, b) -> (name(a) + instanceName(a)).compareTo(name(b) + instanceName(b)));
        return all;
    }

    private ServiceReference<PersonalityInspection> find(String wanted) {
        List<ServiceReference<PersonalityInspection>> matching = sorted().stream()
                .filter(r -> instanceName(r).equals(wanted) || name(r).equalsIgnoreCase(wanted)).toList();
        if (matching.size() == 1) {
            return matching.get(0);
        }
        throw new CommandFailure((matching.isEmpty() ? "no personality instance is named " : "several instances are ")
                + OperatorText.quoted(wanted) + (matching.isEmpty() ? "" : ": give the instance")
                + " (shm:personalities lists them)", null);
    }

    /** The personality, from the vendor API the service offers. */
    static String name(ServiceReference<?> instance) {
        List<String> classes = List.of((String[]) instance.getProperty(org.osgi.framework.Constants.OBJECTCLASS));
        if (classes.contains("shm.api.rtx.RtxSharedMemory")) {
            return "RTX";
        }
        if (classes.contains("shm.api.intime.Iwin32SharedMemory")) {
            return "INtime";
        }
        if (classes.contains("shm.api.ntx.NtxSharedMemory")) {
            return "NTX";
        }
        return String.valueOf(instance.getProperty(ComponentConstants.COMPONENT_NAME));
    }

    /** The instance: its configuration's PID, or "(defaults)" for the instance without a configuration. */
    static String instanceName(ServiceReference<?> instance) {
        Object pid = instance.getProperty(org.osgi.framework.Constants.SERVICE_PID);
        return pid == null ? "(defaults)" : StatusCommand.ShmCommandsText.value(pid);
    }

    private static String settings(ServiceReference<?> instance) {
        List<String> settings = new ArrayList<>();
        for (String key : instance.getPropertyKeys()) {
            if (key.startsWith("rtx.") || key.startsWith("intime.") || key.startsWith("ntx.")
                    || key.equals("backend.target")) {
                settings.add(key + "=" + StatusCommand.ShmCommandsText.value(instance.getProperty(key)));
            }
        }
        settings.sort(null);
        return String.join(" ", settings);
    }

    private Optional<ComponentConfigurationDTO> configuration(ServiceReference<?> instance) {
        Object id = instance.getProperty(ComponentConstants.COMPONENT_ID);
        return components.getComponentDescriptionDTOs(instance.getBundle()).stream()
                .flatMap(d -> components.getComponentConfigurationDTOs(d).stream())
                .filter(c -> id != null && c.id == ((Number) id).longValue()).findFirst();
    }

    private boolean active(ServiceReference<?> instance) {
        return configuration(instance).map(c -> c.state == ComponentConfigurationDTO.ACTIVE).orElse(false);
    }

    /** The backend the instance is bound to: type and store, or why none. */
    private String binding(ServiceReference<?> instance) {
        Optional<ComponentConfigurationDTO> configuration = configuration(instance);
        if (configuration.isEmpty() || configuration.get().state != ComponentConfigurationDTO.ACTIVE) {
            return "(not active yet: binds on first use)";
        }
        for (SatisfiedReferenceDTO reference : configuration.get().satisfiedReferences) {
            if (!"backend".equals(reference.name) || reference.boundServices.length == 0) {
                continue;
            }
            long id = reference.boundServices[0].id;
            try {
                ServiceReference<?>[] found = context.getServiceReferences(ShmBackend.class.getName(),
                        "(service.id=" + id + ")");
                if (found != null && found.length == 1) {
                    return found[0].getProperty(ShmBackend.TYPE_PROPERTY) + " (service " + id + ", "
                            + found[0].getProperty(ShmBackend.NAMESPACE_PROPERTY) + ")";
                }
            } catch (org.osgi.framework.InvalidSyntaxException impossible) {
                throw new IllegalStateException(impossible);
            }
            return "service " + id;
        }
        return "nothing (no backend matches " + instance.getProperty("backend.target") + ")";
    }
}
