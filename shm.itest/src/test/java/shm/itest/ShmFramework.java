package shm.itest;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarFile;
import java.util.stream.Stream;

import aQute.bnd.header.OSGiHeader;
import aQute.bnd.header.Parameters;
import aQute.bnd.osgi.Constants;
import aQute.bnd.osgi.Processor;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.cm.ConfigurationAdminOptions;

/**
 * The framework every integration test boots: Felix with the bundles of {@code itest.bndrun} (the runtime's run
 * descriptor plus the test kit, resolved by the build, the jars exported to {@code target/export/itest}), and the mmap
 * backend configured to a fresh temporary root. No bundle is named here: the run descriptor is the one list.
 *
 * <p>Start levels order the boot: Config Admin (1) and the configuration Pax Exam creates in it come before
 * everything else; every other bundle starts one level above its level in the runtime (services, then the
 * platform), so the backend activates with its test root and never touches the default root under
 * {@code /dev/shm}. The descriptor's run properties become framework properties (all but its beginning start level,
 * which Pax Exam owns), so Gogo's shell bundle, for one, opens no console ({@code gosh.args=--nointeractive}).
 */
final class ShmFramework {

    /** Framework property: the root directory the mmap backend is configured with. */
    static final String ROOT = "shm.itest.root";
    /** Framework property: a root that only the backend's unconfigured fallback would create. */
    static final String FALLBACK_ROOT = "shm.itest.fallback.root";
    /** Framework property: {@link System#nanoTime()} when the options were made, before the framework booted. */
    static final String CONFIGURED_NANOS = "shm.itest.configured.nanos";

    /** The configuration PID of the mmap backend. */
    static final String MMAP_PID = "shm.provider.mmap";
    /** Framework property the mmap backend reads when its configuration gives no root. */
    private static final String MMAP_ROOT_PROPERTY = "shm.provider.mmap.root";

    private ShmFramework() {
    }

    /**
     * The options for a test class: the framework, its bundles and a new temporary root named after the class, plus
     * {@code extra} options (such as configurations) of the test class. The extra options come last: options listed
     * before the bundles would have Pax Exam install its probe before them.
     */
    static Option[] forTest(Class<?> testClass, Option... extra) {
        return forTest(testClass, Map.of(), extra);
    }

    /** As {@link #forTest(Class, Option...)}, with more settings in the mmap backend's configuration. */
    static Option[] forTest(Class<?> testClass, Map<String, Object> mmapSettings, Option... extra) {
        long configured = System.nanoTime();
        Path base = temporaryBase(testClass);
        Path root = base.resolve("root");
        Path fallback = base.resolve("fallback-root");
        return options(composite(
                frameworkProperty(ROOT).value(root.toString()),
                frameworkProperty(FALLBACK_ROOT).value(fallback.toString()),
                frameworkProperty(CONFIGURED_NANOS).value(Long.toString(configured)),
                // Should the configuration come late, the backend still stays out of /dev/shm (and the tests see it).
                frameworkProperty(MMAP_ROOT_PROPERTY).value(fallback.toString()),
                // Pax Exam's own bundles log through pax-logging-api, whose fallback logger prints DEBUG by default.
                systemProperty("org.ops4j.pax.logging.DefaultServiceLog.level").value("WARN"),
                cleanCaches(true),
                junitBundles(),
                mmapConfiguration(root, mmapSettings),
                composite(runBundles())), composite(extra));
    }

    /** Config Admin: started before everything else, so that the test's configuration is there first. */
    private static final String CONFIG_ADMIN = "org.apache.felix.configadmin";
    /** Run property of the runtime: the start level the framework starts at (Pax Exam sets its own). */
    private static final String BEGINNING_START_LEVEL = "org.osgi.framework.startlevel.beginning";

    /** The resolved {@code -runbundles} of {@code itest.bndrun}, provisioned from {@code target/export/itest}. */
    private static Option[] runBundles() {
        Path bndrun = Path.of(System.getProperty("shm.itest.bndrun", "itest.bndrun")).toAbsolutePath();
        Map<String, Path> jars = jarsBySymbolicName(bundlesDirectory());
        try (Processor descriptor = new Processor()) {
            descriptor.setProperties(bndrun.toFile());
            Map<String, String> runProperties = OSGiHeader.parseProperties(
                    descriptor.getProperty(Constants.RUNPROPERTIES, ""));
            Parameters runBundles = new Parameters(descriptor.getProperty(Constants.RUNBUNDLES));
            if (runBundles.isEmpty()) {
                throw new IllegalStateException(bndrun + " has no -runbundles: run the tests through Maven (mvn"
                        + " verify), whose pre-integration-test phase resolves it");
            }
            List<Option> options = new ArrayList<>();
            runProperties.forEach((key, value) -> {
                if (!key.equals(BEGINNING_START_LEVEL)) {
                    options.add(frameworkProperty(key).value(value));
                }
            });
            runBundles.forEach((key, attributes) -> {
                String name = Processor.removeDuplicateMarker(key);
                Path jar = jars.get(name);
                if (jar == null) {
                    throw new IllegalStateException(name + " is not in " + bundlesDirectory() + ": run the tests"
                            + " through Maven (mvn verify), whose pre-integration-test phase exports the bundles");
                }
                int level = Integer.parseInt(attributes.getOrDefault("startlevel", "1"));
                options.add(bundle(jar.toUri().toString()).startLevel(name.equals(CONFIG_ADMIN) ? 1 : level + 1)
                        .start(true));
            });
            return options.toArray(Option[]::new);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + bndrun, e);
        }
    }

    private static Option mmapConfiguration(Path root, Map<String, Object> settings) {
        var configuration = ConfigurationAdminOptions.newConfiguration(MMAP_PID).put("root", root.toString());
        settings.forEach(configuration::put);
        return configuration.asOption();
    }

    /** The jar the build exported for the bundle with this symbolic name. */
    static Path jarOf(String symbolicName) {
        // Runs inside the framework too, where bnd's header parser is not visible: plain java.util.jar here.
        try (Stream<Path> files = Files.list(bundlesDirectory())) {
            for (Path jar : files.filter(p -> p.toString().endsWith(".jar")).toList()) {
                try (JarFile file = new JarFile(jar.toFile())) {
                    String name = file.getManifest().getMainAttributes().getValue("Bundle-SymbolicName");
                    if (name != null && name.split(";")[0].strip().equals(symbolicName)) {
                        return jar;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the bundles in " + bundlesDirectory(), e);
        }
        throw new IllegalStateException(symbolicName + " is not in " + bundlesDirectory());
    }

    /** The bundles in {@code directory} by their {@code Bundle-SymbolicName}. */
    private static Map<String, Path> jarsBySymbolicName(Path directory) {
        Map<String, Path> jars = new HashMap<>();
        try (Stream<Path> files = Files.list(directory)) {
            for (Path jar : files.filter(p -> p.toString().endsWith(".jar")).toList()) {
                try (JarFile file = new JarFile(jar.toFile())) {
                    String name = file.getManifest().getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME);
                    jars.put(new Parameters(name).keySet().iterator().next(), jar);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the bundles in " + directory, e);
        }
        return jars;
    }

    private static Path bundlesDirectory() {
        return Path.of(System.getProperty("shm.itest.bundles", "target/export/itest")).toAbsolutePath();
    }

    private static Path temporaryBase(Class<?> testClass) {
        Path parent = Path.of(System.getProperty("shm.itest.tmp", "target/itest-tmp")).toAbsolutePath();
        try {
            Files.createDirectories(parent);
            return Files.createTempDirectory(parent, testClass.getSimpleName() + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a temporary directory under " + parent, e);
        }
    }
}
