package shm.shell.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Dictionary;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationPlugin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeService;

/**
 * Validates every configuration of a PID our bundles describe with Metatype at the moment Configuration Admin hands
 * it to a component (a Configuration Admin plugin, so before the component sees it): each value must pass its
 * attribute definition (type, options, minimum, maximum), and the mmap backend's root must be a directory this
 * process can use. A configuration that fails is refused with one warning in the log naming the PID, the setting and
 * the rule, and the component is given the last configuration it accepted instead (the defaults when none was
 * accepted yet); the file stays as the operator wrote it, and {@code shm:config} shows the refusal.
 */
@Component(service = {ConfigurationPlugin.class, ConfigurationGuard.class}, property = {ConfigurationPlugin.CM_RANKING + ":Integer=0", "config.plugin.id=shm.guard"})
public final class ConfigurationGuard implements ConfigurationPlugin {

    /** The PID whose {@value #ROOT} must be a usable directory. */
    static final String MMAP_PID = "shm.provider.mmap";
    static final String ROOT = "root";
    /** The mmap backend's setting that accepts a root its checks would refuse. */
    static final String TRUST_ROOT = "trustRoot";

    private final BundleContext context;
    private final MetaTypeService metatype;
    private final Logger logger;
    private final ConfigurationAdmin admin;
    private final Map<String, Map<String, Object>> accepted = new ConcurrentHashMap<>();
    private final Map<String, String> refusals = new ConcurrentHashMap<>();
    /** Refusals at the door of etc/ ({@link #check}), by PID; only a good file of that PID clears one. */
    private final Map<String, String> fileRefusals = new ConcurrentHashMap<>();
    /** The files whose latest content was refused at the door, by absolute path, with their PID. */
    private final Map<String, String> refusedFiles = new ConcurrentHashMap<>();

    /**
     * A guard over the descriptions {@code metatype} gives.
     *
     * @param context this bundle's context, to see every bundle
     * @param metatype the Metatype service
     * @param logger  where refusals are said
     * @param admin   Configuration Admin, to tell whether a refused PID has a configuration in effect
     */
    @Activate
    public ConfigurationGuard(BundleContext context, @Reference MetaTypeService metatype,
            @Reference(service = LoggerFactory.class) Logger logger, @Reference ConfigurationAdmin admin) {
        this.context = context;
        this.metatype = metatype;
        this.logger = logger;
        this.admin = admin;
    }

    /**
     * The refusal of the latest configuration of {@code pid}, if it was refused: at the door of {@code etc/}
     * ({@link #check}), or when Configuration Admin handed it to the component.
     */
    Optional<String> refusal(String pid) {
        return Optional.ofNullable(fileRefusals.get(pid)).or(() -> Optional.ofNullable(refusals.get(pid)));
    }

    /**
     * Checks a configuration file's values before they go to Configuration Admin ({@link EtcGate}): a refusal is
     * logged in one line (naming the PID, the setting and the rule) and kept, for {@code shm:config} and for
     * {@link #isRefusedFile}; an accepted file clears the refusal.
     *
     * @param pid     the configuration's PID ({@code factory~name} for a factory configuration)
     * @param factory the factory PID, or {@code null}
     * @param values  the file's values
     * @param file    the file
     * @return what is wrong, empty when nothing is (or no bundle describes the PID)
     */
    public Optional<String> check(String pid, String factory, Dictionary<String, Object> values, Path file) {
        String key = file.toAbsolutePath().normalize().toString();
        Optional<Settings.Described> description = Settings.of(context, metatype, factory != null ? factory : pid);
        Optional<String> problem = description.flatMap(described -> problem(described, values));
        if (problem.isEmpty()) {
            refusedFiles.remove(key);
            fileRefusals.remove(pid);
            return problem;
        }
        String kept = inEffect(pid) ? "the previous configuration is kept" : "the defaults apply";
        String line = "configuration " + pid + " refused: " + problem.get() + "; " + kept;
        if (!problem.get().equals(fileRefusals.get(pid)) || !refusedFiles.containsKey(key)) {
            logger.warn(line);
        }
        fileRefusals.put(pid, problem.get());
        refusedFiles.put(key, pid);
        return problem;
    }

    /** Whether the latest content of {@code file} was refused ({@link #check}). */
    public boolean isRefusedFile(Path file) {
        return refusedFiles.containsKey(file.toAbsolutePath().normalize().toString());
    }

    /** Forgets a refusal of a file that was removed. */
    void forgetFile(Path file) {
        String pid = refusedFiles.remove(file.toAbsolutePath().normalize().toString());
        if (pid != null) {
            fileRefusals.remove(pid);
        }
    }

    private boolean inEffect(String pid) {
        try {
            Configuration[] found = admin.listConfigurations("(" + Constants.SERVICE_PID + "=" + pid + ")");
            return found != null && found.length > 0;
        } catch (IOException | org.osgi.framework.InvalidSyntaxException unknown) {
            return false;
        }
    }

    @Override
    public void modifyConfiguration(ServiceReference<?> reference, Dictionary<String, Object> properties) {
        String pid = String.valueOf(properties.get(Constants.SERVICE_PID));
        Object factory = properties.get(ConfigurationAdmin.SERVICE_FACTORYPID);
        String described = factory != null ? factory.toString() : pid;
        Optional<Settings.Described> description = Settings.of(context, metatype, described);
        if (description.isEmpty()) {
            return;
        }
        Optional<String> problem = problem(description.get(), properties);
        if (problem.isEmpty()) {
            accepted.put(pid, copy(properties));
            refusals.remove(pid);
            return;
        }
        Map<String, Object> previous = accepted.get(pid);
        String kept = previous == null ? "the defaults apply" : "the previous configuration is kept";
        String line = "configuration " + pid + " refused: " + problem.get() + "; " + kept;
        if (!line.equals("configuration " + pid + " refused: " + refusals.get(pid) + "; " + kept)) {
            logger.warn(line);
        }
        refusals.put(pid, problem.get());
        replace(properties, previous, description.get());
    }

    /** What is wrong with {@code properties}, in one line naming the setting and the rule; empty when nothing is. */
    static Optional<String> problem(Settings.Described description, Dictionary<String, Object> properties) {
        for (AttributeDefinition attribute : description.attributes()) {
            Object value = properties.get(attribute.getID());
            if (value == null) {
                continue;
            }
            String text = text(value);
            String invalid = attribute.validate(text);
            if (invalid != null && !invalid.isEmpty()) {
                return Optional.of(attribute.getID() + " = '" + text + "': " + rule(attribute, invalid));
            }
        }
        if (MMAP_PID.equals(description.pid()) && properties.get(ROOT) != null) {
            return rootProblem(text(properties.get(ROOT)), Boolean.parseBoolean(String.valueOf(
                    properties.get(TRUST_ROOT))));
        }
        return Optional.empty();
    }

    /**
     * Whether the mmap backend can use {@code root}: absolute, a directory or creatable in a writable one, and, unless
     * {@code trusted} ({@code trustRoot}), no directory of others' files without a store.
     */
    static Optional<String> rootProblem(String root, boolean trusted) {
        if (root.isBlank()) {
            return Optional.empty();
        }
        Path path = Path.of(root.strip());
        String rule = "root = '" + root.strip() + "': must be an absolute directory this user can create objects in";
        if (!path.isAbsolute()) {
            return Optional.of(rule + " (it is relative)");
        }
        Path existing = path;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing)) {
            return Optional.of(rule + " (" + existing + " is not a directory)");
        }
        if (!Files.isWritable(existing) || isVirtual(existing)) {
            return Optional.of(rule + " (" + existing + " is not writable)");
        }
        if (existing.equals(path) && !trusted) {
            Optional<String> others = othersFiles(path);
            if (others.isPresent()) {
                return Optional.of("root = '" + root.strip() + "': a store is made only in an empty directory or in"
                        + " one that holds a store already (it holds " + others.get() + " and no store's table)");
            }
        }
        return Optional.empty();
    }

    /**
     * Some of the files of a directory without a store's {@code table} that no store leaves behind (its temporary
     * files {@code .t.*} and tables moved aside {@code table.broken.*} do; the backend checks every name, see
     * docs/mmap-store.md, "A new table"); empty when there is a table or no other file.
     */
    private static Optional<String> othersFiles(Path directory) {
        try (var entries = Files.list(directory)) {
            List<String> names = entries.map(p -> p.getFileName().toString()).sorted().toList();
            if (names.contains("table")) {
                return Optional.empty();
            }
            List<String> others = names.stream()
                    .filter(name -> !name.startsWith(".t.") && !name.startsWith("table.broken.")).toList();
            return others.isEmpty() ? Optional.empty()
                    : Optional.of(String.join(", ", others.subList(0, Math.min(3, others.size())))
                    + (others.size() > 3 ? ", ... (" + others.size() + " files)" : ""));
        } catch (IOException unreadable) {
            return Optional.empty(); // the backend says what is wrong when it opens the root
        }
    }

    private static boolean isVirtual(Path path) {
        try {
            String type = Files.getFileStore(path).type();
            return type.equals("proc") || type.equals("sysfs");
        } catch (IOException unknown) {
            return true;
        }
    }

    private static String rule(AttributeDefinition attribute, String invalid) {
        String[] options = attribute.getOptionValues();
        if (options != null && options.length > 0) {
            return "must be one of " + String.join(", ", options);
        }
        return invalid.strip().replace('\n', ' ');
    }

    static String text(Object value) {
        if (value instanceof Object[] array) {
            return String.join(",", java.util.Arrays.stream(array).map(String::valueOf).toList());
        }
        if (value instanceof Collection<?> collection) {
            return String.join(",", collection.stream().map(String::valueOf).toList());
        }
        if (value != null && value.getClass().isArray()) {
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < java.lang.reflect.Array.getLength(value); i++) {
                parts.add(String.valueOf(java.lang.reflect.Array.get(value, i)));
            }
            return String.join(",", parts);
        }
        return String.valueOf(value);
    }

    private static Map<String, Object> copy(Dictionary<String, Object> properties) {
        Map<String, Object> copy = new HashMap<>();
        for (Enumeration<String> keys = properties.keys(); keys.hasMoreElements();) {
            String key = keys.nextElement();
            copy.put(key, properties.get(key));
        }
        return copy;
    }

    /** Puts the previous accepted values in place of the described settings (or removes them: defaults). */
    private static void replace(Dictionary<String, Object> properties, Map<String, Object> previous,
            Settings.Described description) {
        for (AttributeDefinition attribute : description.attributes()) {
            String key = attribute.getID();
            Object before = previous == null ? null : previous.get(key);
            if (before == null) {
                properties.remove(key);
            } else {
                properties.put(key, before);
            }
        }
    }
}
