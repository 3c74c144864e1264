package shm.itest;

import static org.ops4j.pax.exam.CoreOptions.bundle;
import static org.ops4j.pax.exam.CoreOptions.cleanCaches;
import static org.ops4j.pax.exam.CoreOptions.composite;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;
import static org.ops4j.pax.exam.CoreOptions.junitBundles;
import static org.ops4j.pax.exam.CoreOptions.options;
import static org.ops4j.pax.exam.CoreOptions.systemPackages;
import static org.ops4j.pax.exam.CoreOptions.systemProperty;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.cm.ConfigurationAdminOptions;
import org.ops4j.pax.exam.options.UrlProvisionOption;

/**
 * The framework every integration test boots: Felix with Config Admin, SCR and the platform's bundles, all taken from
 * {@code target/bundles} (filled by the build), and the mmap backend configured to a fresh temporary root.
 *
 * <p>Start levels order the boot: Config Admin (1) and the configuration Pax Exam creates in it come before SCR (2),
 * which comes before the platform (3), so the backend activates with its test root and never touches the default
 * root under {@code /dev/shm}.
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
        return forTest(testClass, java.util.Map.of(), extra);
    }

    /** As {@link #forTest(Class, Option...)}, with more settings of the mmap backend's configuration. */
    static Option[] forTest(Class<?> testClass, java.util.Map<String, Object> mmapSettings, Option... extra) {
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
                // The multi-process tests start their children through shm.testkit, on the class path.
                systemPackages("shm.testkit"),
                bundleAt(1, "org.apache.felix.configadmin"),
                bundleAt(2, "org.osgi.util.function"),
                bundleAt(2, "org.osgi.util.promise"),
                bundleAt(2, "org.osgi.service.component"),
                bundleAt(2, "org.apache.felix.scr"),
                bundleAt(3, "shm.api"),
                bundleAt(3, Bundles.PROVIDER_MMAP),
                bundleAt(3, Bundles.CORE),
                bundleAt(3, Bundles.PERSONALITY_RTX),
                bundleAt(3, Bundles.PERSONALITY_INTIME),
                bundleAt(3, Bundles.PERSONALITY_NTX)), composite(extra));
    }

    private static Option mmapConfiguration(Path root, java.util.Map<String, Object> settings) {
        var configuration = ConfigurationAdminOptions.newConfiguration(MMAP_PID).put("root", root.toString());
        settings.forEach(configuration::put);
        return configuration.asOption();
    }

    /** The jar of a platform bundle as the build copied it. */
    static Path jarOf(String artifactId) {
        return bundlesDirectory().resolve(artifactId + ".jar");
    }

    private static UrlProvisionOption bundleAt(int startLevel, String artifactId) {
        Path jar = bundlesDirectory().resolve(artifactId + ".jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: run the tests through Maven (mvn verify), whose"
                    + " pre-integration-test phase copies the bundles there");
        }
        return bundle(jar.toUri().toString()).startLevel(startLevel).start(true);
    }

    private static Path bundlesDirectory() {
        return Path.of(System.getProperty("shm.itest.bundles", "target/bundles")).toAbsolutePath();
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
