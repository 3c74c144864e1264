package shm.shell;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import shm.api.ObjectInfo;
import shm.api.SharedMemoryService;
import shm.api.spi.ShmBackend;

/**
 * {@code shm:status}: the platform at a glance: the home, each backend (type, store root or namespace, ranking,
 * bundle), the service the commands use, each personality instance and its configuration, and how many objects of
 * each type the store holds.
 */
@Component(service = StatusCommand.class)
@GogoCommand(scope = "shm", function = {"status"})
public final class StatusCommand {

    private final BundleContext context;

    @Reference(policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile SharedMemoryService service;

    @Reference(service = ShmBackend.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<ServiceReference<?>> backends = List.of();

    @Reference(service = shm.api.rtx.RtxSharedMemory.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<ServiceReference<?>> rtx = List.of();

    @Reference(service = shm.api.intime.Iwin32SharedMemory.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<ServiceReference<?>> intime = List.of();

    @Reference(service = shm.api.ntx.NtxSharedMemory.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<ServiceReference<?>> ntx = List.of();

    /** The command, reading the registry through {@code context}. */
    @Activate
    public StatusCommand(BundleContext context) {
        this.context = context;
    }

    /** Prints the status. */
    @Descriptor("the platform at a glance: home, backends (type, root, ranking), personality instances, objects by"
            + " type")
    public void status(@Descriptor("(no arguments)") String... arguments) {
        ShmCommands.answer(() -> {
            if (arguments.length != 0) {
                throw new UsageException("shm:status takes no arguments", "shm:status");
            }
            return text();
        });
    }

    private String text() {
        List<String> lines = new ArrayList<>();
        lines.add("home        " + String.valueOf(context.getProperty("shm.home")));
        List<ServiceReference<?>> backendList = List.copyOf(backends);
        for (ServiceReference<?> backend : backendList) {
            lines.add("backend     " + backend.getProperty(ShmBackend.TYPE_PROPERTY) + "  root/namespace "
                    + orDash(backend.getProperty(ShmBackend.NAMESPACE_PROPERTY)) + "  ranking "
                    + orZero(backend.getProperty(Constants.SERVICE_RANKING)) + "  " + bundle(backend));
        }
        if (backendList.isEmpty()) {
            lines.add("backend     none registered");
        }
        Map<String, List<ServiceReference<?>>> personalities = Map.of("RTX", List.copyOf(rtx), "INtime iwin32",
                List.copyOf(intime), "NTX", List.copyOf(ntx));
        for (String personality : List.of("RTX", "INtime iwin32", "NTX")) {
            for (ServiceReference<?> instance : personalities.get(personality)) {
                lines.add("personality " + personality + "  " + instanceSettings(instance) + "  " + bundle(instance));
            }
        }
        SharedMemoryService current = service;
        if (current == null) {
            lines.add("objects     (no shared-memory service)");
        } else {
            Map<String, Integer> counts = new TreeMap<>();
            for (ObjectInfo object : current.list()) {
                counts.merge(object.type().name(), 1, Integer::sum);
            }
            lines.add("objects     " + (counts.isEmpty() ? "none" : counts.toString().replaceAll("[{}]", "")));
        }
        return String.join("\n", lines);
    }

    private static String instanceSettings(ServiceReference<?> instance) {
        List<String> settings = new ArrayList<>();
        for (String key : instance.getPropertyKeys()) {
            if (key.startsWith("rtx.") || key.startsWith("intime.") || key.startsWith("ntx.")
                    || key.equals("service.pid") || key.equals("backend.target")) {
                settings.add(key + "=" + ShmCommandsText.value(instance.getProperty(key)));
            }
        }
        settings.sort(null);
        return String.join(" ", settings);
    }

    private static String bundle(ServiceReference<?> reference) {
        return "[" + reference.getBundle().getSymbolicName() + " " + reference.getBundle().getVersion() + "]";
    }

    private static String orDash(Object value) {
        return value == null ? "-" : value.toString();
    }

    private static String orZero(Object value) {
        return value == null ? "0" : value.toString();
    }

    /** Property values as text, arrays included. */
    static final class ShmCommandsText {
        private ShmCommandsText() {
        }

        static String value(Object value) {
            if (value instanceof Object[] array) {
                return Arrays.toString(array);
            }
            if (value instanceof long[] longs) {
                return Arrays.toString(longs);
            }
            return String.valueOf(value);
        }
    }
}
