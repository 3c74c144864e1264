package shm.shell.runtime;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.List;
import java.util.Optional;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeService;

import shm.api.spi.ShmBackend;
import shm.shell.CommandFailure;
import shm.shell.UsageException;

/**
 * {@code shm:config}: every setting of every component our bundles describe with Metatype, with its description,
 * default, current value and where that value came from ({@code file etc/<name>.cfg}, {@code configuration} made at
 * runtime, {@code framework property}, {@code default}), and the refusal when the latest value was refused.
 * {@code shm:config set <pid> <key> <value>} changes one setting; the change goes into the PID's file under
 * {@code etc/} (FileInstall writes it back), so it lasts across restarts.
 */
@Component(service = ConfigCommands.class)
@GogoCommand(scope = "shm", function = {"config"})
public final class ConfigCommands {

    static final String USAGE = "shm:config [<pid>] | shm:config set <pid> <key> <value>";
    private static final String FILENAME = EtcWriteBack.FILENAME;
    /** The filter of the backends a component binds (the neutral service's and each personality's). */
    private static final String BACKEND_TARGET = "backend.target";

    private final BundleContext context;
    private final MetaTypeService metatype;
    private final ConfigurationAdmin admin;
    private final ConfigurationGuard guard;
    private final EtcWriteBack writeBack;

    /** Commands over the given services. */
    @Activate
    public ConfigCommands(BundleContext context, @Reference MetaTypeService metatype,
            @Reference ConfigurationAdmin admin, @Reference ConfigurationGuard guard,
            @Reference EtcWriteBack writeBack) {
        this.context = context;
        this.metatype = metatype;
        this.admin = admin;
        this.guard = guard;
        this.writeBack = writeBack;
    }

    /** Shows settings, or sets one. */
    @Descriptor("show each component's settings (description, default, current value and its origin), or change"
            + " one. Usage: " + USAGE)
    public void config(@Descriptor("[<pid>] | set <pid> <key> <value>") String... words) {
        String text;
        try {
            if (words.length > 0 && "set".equals(words[0])) {
                text = set(words);
            } else if (words.length <= 1) {
                text = show(words.length == 0 ? null : words[0]);
            } else {
                throw new UsageException("too many arguments", USAGE);
            }
        } catch (IOException | InvalidSyntaxException | RuntimeException failure) {
            throw failure instanceof UsageException usage ? usage
                    : new CommandFailure(String.valueOf(failure.getMessage()), failure);
        }
        System.out.println(text);
    }

    private String show(String only) throws IOException, InvalidSyntaxException {
        List<String> lines = new ArrayList<>();
        for (Settings.Described described : Settings.all(context, metatype)) {
            if (only != null && !only.equals(described.pid())) {
                continue;
            }
            List<Configuration> configurations = configurations(described);
            if (configurations.isEmpty()) {
                lines.add(heading(described, null));
                lines.addAll(attributes(described, null));
            }
            for (Configuration configuration : configurations) {
                lines.add(heading(described, configuration));
                lines.addAll(attributes(described, configuration));
            }
            lines.add("");
        }
        if (lines.isEmpty()) {
            throw new CommandFailure("no component describes the PID '" + only + "' (shm:config lists them)", null);
        }
        return String.join("\n", lines).stripTrailing();
    }

    private List<Configuration> configurations(Settings.Described described) throws IOException,
            InvalidSyntaxException {
        String key = described.factory() ? ConfigurationAdmin.SERVICE_FACTORYPID : "service.pid";
        Configuration[] found = admin.listConfigurations("(" + key + "=" + described.pid() + ")");
        return found == null ? List.of() : List.of(found);
    }

    private String heading(Settings.Described described, Configuration configuration) {
        String what = described.pid() + (described.factory() ? " (factory)" : "") + ": "
                + described.definition().getName() + " [" + described.bundle().getSymbolicName() + "]";
        if (configuration == null) {
            return what + (described.factory() ? " - no configuration: one instance with the defaults" : "");
        }
        Dictionary<String, Object> properties = configuration.getProperties();
        Object file = properties == null ? null : properties.get(FILENAME);
        String instance = described.factory() ? " instance " + configuration.getPid() : "";
        String refusal = guard.refusal(configuration.getPid()).map(problem -> "\n  REFUSED " + problem
                + " (the component runs with its previous settings)").orElse("");
        return what + instance + (file == null ? "" : " from " + fileName(file)) + refusal;
    }

    private List<String> attributes(Settings.Described described, Configuration configuration) {
        Dictionary<String, Object> properties = configuration == null ? null : configuration.getProperties();
        boolean fromFile = properties != null && properties.get(FILENAME) != null;
        List<String> lines = new ArrayList<>();
        for (AttributeDefinition attribute : described.attributes()) {
            String id = attribute.getID();
            if (id.startsWith("webconsole.")) {
                continue;
            }
            String[] defaults = attribute.getDefaultValue();
            String fallback = defaults == null ? "" : String.join(",", defaults);
            Object value = properties == null ? null : properties.get(id);
            String current;
            String origin;
            if (value != null) {
                current = ConfigurationGuard.text(value);
                origin = fromFile ? "file" : "configuration";
            } else if (ConfigurationGuard.MMAP_PID.equals(described.pid()) && ConfigurationGuard.ROOT.equals(id)
                    && context.getProperty("shm.provider.mmap.root") != null) {
                current = context.getProperty("shm.provider.mmap.root");
                origin = "framework property shm.provider.mmap.root";
            } else {
                current = fallback;
                origin = "default";
            }
            lines.add("  " + id + " = " + (current.isEmpty() ? "''" : current) + "  (" + origin + "; default "
                    + (fallback.isEmpty() ? "''" : fallback) + ")");
            lines.add("      " + attribute.getName() + ": " + Optional.ofNullable(attribute.getDescription()).orElse(""));
        }
        return lines;
    }

    private String set(String... words) throws IOException, InvalidSyntaxException {
        if (words.length != 4) {
            throw new UsageException("set needs <pid> <key> <value>", USAGE);
        }
        String pid = words[1];
        String key = words[2];
        String value = words[3];
        Settings.Described described = Settings.of(context, metatype, pid)
                .filter(d -> !d.factory())
                .orElseThrow(() -> new CommandFailure("no component describes the PID '" + pid + "' (for a factory"
                        + " instance, edit its file in etc/)", null));
        AttributeDefinition attribute = described.attributes().stream().filter(a -> a.getID().equals(key)).findFirst()
                .orElseThrow(() -> new CommandFailure(pid + " has no setting '" + key + "'", null));
        String invalid = attribute.validate(value);
        // the new value among the current ones, so that a rule over two settings (root and trustRoot) sees both
        Hashtable<String, Object> probe = new Hashtable<>();
        Configuration configuration = admin.getConfiguration(pid, "?");
        Dictionary<String, Object> current = configuration.getProperties();
        if (current != null) {
            for (var keys = current.keys(); keys.hasMoreElements(); ) {
                String existing = keys.nextElement();
                probe.put(existing, current.get(existing));
            }
        }
        probe.put(key, value);
        Optional<String> problem = invalid != null && !invalid.isEmpty()
                ? Optional.of(key + " = '" + value + "': " + invalid)
                : ConfigurationGuard.problem(described, probe);
        if (problem.isEmpty() && key.equals(BACKEND_TARGET)) {
            problem = unmatchedTarget(value);
        }
        if (problem.isPresent()) {
            throw new CommandFailure("refused: " + problem.get() + "; the configuration is unchanged", null);
        }
        Object file = current == null ? null : current.get(FILENAME);
        String home = context.getProperty("shm.home");
        if (file == null && home != null && !home.isBlank()) {
            // No file yet: write one; FileInstall reads it into Configuration Admin and keeps the two in step.
            Path created = Path.of(home.strip(), "etc", pid + ".cfg");
            CfgText.replace(created, "# " + described.definition().getName()
                    + " (written by shm:config set; changes made at runtime are written back into it)\n"
                    + CfgText.line(key, value) + "\n");
            return "set " + pid + " " + key + " = " + value + " (written to etc/" + created.getFileName()
                    + "; applied within a second)";
        }
        if (current == null) {
            current = new Hashtable<>();
        }
        current.put(key, value);
        configuration.update(current);
        writeBack.writeBack(configuration.getPid());
        return "set " + pid + " " + key + " = " + value + (file == null ? "" : " (saved in " + fileName(file) + ")");
    }

    /**
     * Why a {@code backend.target} set at the prompt would bind nothing: no backend registered now matches it (the
     * component would lose every backend, and the handles it holds would be parked, then released). Only here, where
     * the backends are up: the guard of {@code etc/} also runs at start, before they register.
     */
    private Optional<String> unmatchedTarget(String filter) {
        try {
            ServiceReference<?>[] matching = context.getServiceReferences(ShmBackend.class.getName(), filter);
            return matching != null && matching.length > 0 ? Optional.empty()
                    : Optional.of(BACKEND_TARGET + " = '" + filter + "' matches no registered backend (shm:backends"
                    + " lists them), so the component would bind none and its handles would be parked, then released");
        } catch (InvalidSyntaxException notAFilter) {
            return Optional.of(BACKEND_TARGET + " = '" + filter + "' is not an LDAP filter: " + notAFilter.getMessage());
        }
    }

    private static String fileName(Object uri) {
        try {
            Path path = Path.of(java.net.URI.create(uri.toString()));
            return path.getParent().getFileName() + "/" + path.getFileName();
        } catch (RuntimeException notAFile) {
            return uri.toString();
        }
    }
}
