package shm.runtime.launch;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * Runs before the bnd launcher of the runtime jar (its manifest names this class as {@code Launcher-Agent-Class}, so
 * {@code java -jar shm.jar} calls {@link #agentmain} first, whatever script started it) and prepares the platform
 * home:
 *
 * <ol>
 * <li>refuses a Java older than {@value #REQUIRED_FEATURE} with one line on standard error and exit code
 * {@value #BAD_ENVIRONMENT}, before the framework starts (this class is compiled for Java 11 so that an old Java can
 * run it);</li>
 * <li>chooses the home: the system property {@value #HOME_PROPERTY}, else the environment variable
 * {@value #HOME_VARIABLE}, else {@code ~/.shm};</li>
 * <li>when a runtime already runs in that home and listens for commands (its prompt, or {@code --serve}), hands it
 * this command line's command and exits with its exit code, starting no framework ({@code AttachedCommandClient});
 * not when the command line sets a property the runtime reads (such as {@code -Dshm.provider.mmap.root=…}, which a
 * running runtime cannot take), nor with {@value #ATTACH_PROPERTY}{@code =false};</li>
 * <li>creates {@code etc/} (with the commented example configurations the jar carries, the first time only),
 * {@code deploy/}, {@code data/} and {@code log/} under it;</li>
 * <li>sets the system properties the launcher, the framework and the bundles read, unless already set: the kept
 * framework storage {@code data/framework}, Apache Felix FileInstall's watched folders {@code etc/} (configurations)
 * and {@code deploy/} (bundles), FileInstall's work folder under {@code data/}, the Gogo home;</li>
 * <li>when the jar's launch properties ask for it ({@value #WARM_UP_PROPERTY}{@code =true}, which a system property of
 * that name overrides), starts linking the mmap provider's C call shapes on a thread of its own while the
 * framework starts ({@code LinkerWarmUp}).</li>
 * </ol>
 * A home that cannot be prepared is also one line and exit code {@value #BAD_ENVIRONMENT}.
 */
public final class RuntimeHome {

    /** The oldest Java feature release the runtime runs on. */
    public static final int REQUIRED_FEATURE = 25;
    /** Exit code for a Java too old or a home that cannot be prepared (the runtime's "bad arguments" code). */
    public static final int BAD_ENVIRONMENT = 2;
    /** System property naming the platform home. */
    public static final String HOME_PROPERTY = "shm.home";
    /** Environment variable naming the platform home when the system property does not. */
    public static final String HOME_VARIABLE = "SHM_HOME";
    /** Where the jar keeps the example configurations, and the list of their names. */
    static final String EXAMPLES = "shm/runtime/home/etc/";
    static final String EXAMPLE_INDEX = EXAMPLES + "index.txt";
    /**
     * Launch property (in the jar's {@value #LAUNCH_PROPERTIES}, from the run descriptor) or system property: whether
     * to warm the FFM linker up while the framework starts.
     */
    public static final String WARM_UP_PROPERTY = "shm.launch.linker.warmup";
    /** The bnd launcher's properties in the runtime jar. */
    static final String LAUNCH_PROPERTIES = "launcher.properties";
    private static final String WARM_UP_CLASS = "shm.runtime.launch.LinkerWarmUp";
    /** System property: {@code false} starts a runtime for the command even when one runs in the home. */
    public static final String ATTACH_PROPERTY = "shm.attach";
    /** The socket a runtime listening for its home's command lines makes, under the home. */
    static final String ATTACH_SOCKET = "run/shell.sock";
    private static final String ATTACH_CLASS = "shm.runtime.launch.AttachedCommandClient";
    /** Prefixes of the system properties a runtime reads at its start: a command line that sets one starts its own. */
    static final List<String> RUNTIME_SETTINGS = List.of("shm.", "felix.", "org.osgi.", "org.apache.felix.",
            "launch.", "gosh.", "ds.");
    /** Properties of those prefixes that do not change what a running runtime would do. */
    static final List<String> NOT_RUNTIME_SETTINGS = List.of(HOME_PROPERTY, ATTACH_PROPERTY, WARM_UP_PROPERTY);

    private RuntimeHome() {
    }

    /**
     * Called by the JVM before {@code main} of the runtime jar.
     *
     * @param arguments the agent's arguments (none)
     */
    public static void agentmain(String arguments) {
        int feature = featureRelease(System.getProperty("java.specification.version", ""));
        if (feature < REQUIRED_FEATURE) {
            fail(System.getProperty("java.home", "this java") + " is Java "
                    + System.getProperty("java.specification.version", "of unknown version")
                    + "; the shm runtime needs Java " + REQUIRED_FEATURE + " or later (set SHM_JAVA or JAVA_HOME)");
            return;
        }
        Path home = home();
        if (mayHandOver(System.getProperties(), home)) {
            handOver(home);
        }
        try {
            prepare(home);
        } catch (IOException | RuntimeException unusable) {
            fail("cannot prepare the platform home: " + unusable.getMessage());
            return;
        }
        if (warmUpWanted(System.getProperty(WARM_UP_PROPERTY), launchProperty(WARM_UP_PROPERTY))) {
            startWarmUp();
        }
    }

    /**
     * Whether this command line may hand its command to a runtime of {@code home}: a socket is there, handing over is
     * not turned off, and no property a runtime reads at its start is set (the running runtime could not take it).
     */
    static boolean mayHandOver(Properties properties, Path home) {
        if ("false".equalsIgnoreCase(properties.getProperty(ATTACH_PROPERTY, "").strip())) {
            return false;
        }
        for (String name : properties.stringPropertyNames()) {
            if (!NOT_RUNTIME_SETTINGS.contains(name) && RUNTIME_SETTINGS.stream().anyMatch(name::startsWith)) {
                return false;
            }
        }
        return Files.exists(home.resolve(ATTACH_SOCKET), LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Hands the command to the runtime listening in {@code home} ({@code AttachedCommandClient}, compiled for Java 25,
     * hence loaded by name) and exits with its exit code; returns when no runtime took it.
     */
    private static void handOver(Path home) {
        int exitCode;
        try {
            exitCode = (Integer) Class.forName(ATTACH_CLASS).getDeclaredMethod("run", Path.class).invoke(null, home);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException notAvailable) {
            return; // this JVM runs the command itself, as without a runtime in the home
        }
        if (exitCode >= 0) {
            System.out.flush();
            System.err.flush();
            System.exit(exitCode);
        }
    }

    /** The system property decides when it is set, else the launch property; off when neither says {@code true}. */
    static boolean warmUpWanted(String systemProperty, String launchProperty) {
        String value = systemProperty == null || systemProperty.isBlank() ? launchProperty : systemProperty;
        return value != null && Boolean.parseBoolean(value.strip());
    }

    /** A property of the jar's launch properties, or null when the jar has none or it cannot be read. */
    static String launchProperty(String key) {
        try (InputStream in = RuntimeHome.class.getClassLoader().getResourceAsStream(LAUNCH_PROPERTIES)) {
            if (in == null) {
                return null;
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty(key);
        } catch (IOException | IllegalArgumentException unreadable) {
            return null;
        }
    }

    /** Starts {@code LinkerWarmUp} (compiled for Java 25, hence loaded by name); a failure only means no warm-up. */
    private static void startWarmUp() {
        try {
            Class.forName(WARM_UP_CLASS).getDeclaredMethod("start").invoke(null);
        } catch (ReflectiveOperationException | LinkageError | RuntimeException notAvailable) {
            // An optimisation only: the provider links what it needs itself.
        }
    }

    /** Java's feature release from {@code java.specification.version} ({@code 1.8} is 8); 0 when unreadable. */
    static int featureRelease(String specification) {
        String text = specification.startsWith("1.") ? specification.substring(2) : specification;
        int end = 0;
        while (end < text.length() && Character.isDigit(text.charAt(end))) {
            end++;
        }
        return end == 0 || end > 4 ? 0 : Integer.parseInt(text.substring(0, end));
    }

    /** The home the properties and environment name, absolute. */
    static Path home() {
        String named = System.getProperty(HOME_PROPERTY);
        if (named == null || named.isBlank()) {
            named = System.getenv(HOME_VARIABLE);
        }
        if (named == null || named.isBlank()) {
            return Paths.get(System.getProperty("user.home"), ".shm").toAbsolutePath().normalize();
        }
        return Paths.get(named.strip()).toAbsolutePath().normalize();
    }

    /** Creates the home's folders, copies the examples into a new {@code etc/}, and sets the properties. */
    static void prepare(Path home) throws IOException {
        Path etc = home.resolve("etc");
        boolean newEtc = !Files.isDirectory(etc);
        for (String folder : List.of("etc", "deploy", "data", "log")) {
            Files.createDirectories(home.resolve(folder));
        }
        if (newEtc) {
            copyExamples(etc);
        }
        setDefault(HOME_PROPERTY, home.toString());
        String storage = home.resolve("data").resolve("framework").toString();
        setDefault("launch.storage.dir", storage);
        setDefault("org.osgi.framework.storage", storage);
        // FileInstall watches deploy/ by itself; etc/ is watched through shm.shell's door (EtcGate), which checks
        // each configuration file before it reaches Configuration Admin.
        setDefault("felix.fileinstall.dir", home.resolve("deploy").toString());
        setDefault("felix.fileinstall.tmpdir", home.resolve("data").resolve("fileinstall").toString());
        setDefault("gosh.home", home.toString());
        // The Log Service's history, from which the log file writes what was logged before it listened: room for
        // every entry of a start with a few hundred bundle events (Felix Log keeps 100 by default).
        setDefault("org.apache.felix.log.maxSize", "1000");
        // The bnd launcher gives every bundle installed or updated while it runs this start level; the shm bundles'
        // level, which the framework has reached, so that a bundle installed at the prompt or through deploy/ starts.
        setDefault("launch.startlevel.default", "2");
    }

    private static void copyExamples(Path etc) throws IOException {
        ClassLoader loader = RuntimeHome.class.getClassLoader();
        for (String name : exampleNames(loader)) {
            try (InputStream example = loader.getResourceAsStream(EXAMPLES + name)) {
                if (example != null) {
                    Files.copy(example, etc.resolve(name), StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    private static List<String> exampleNames(ClassLoader loader) throws IOException {
        List<String> names = new ArrayList<>();
        try (InputStream index = loader.getResourceAsStream(EXAMPLE_INDEX)) {
            if (index == null) {
                return names;
            }
            for (String line : new String(index.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                String name = line.strip();
                if (!name.isEmpty() && !name.startsWith("#") && name.indexOf(File.separatorChar) < 0) {
                    names.add(name);
                }
            }
        }
        return names;
    }

    private static void setDefault(String key, String value) {
        String present = System.getProperty(key);
        if (present == null || present.isBlank()) {
            System.setProperty(key, value);
        }
    }

    private static void fail(String line) {
        System.err.println("shm: " + line);
        System.err.flush();
        System.exit(BAD_ENVIRONMENT);
    }
}
