package shm.shell.runtime;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.Version;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Upgrades a built-in bundle of the platform in place when the operator drops a newer jar of it into the platform
 * home's {@code deploy/}. Apache Felix FileInstall asks this component first (it ranks above FileInstall's own bundle
 * handling) about every file there. A jar whose {@code Bundle-SymbolicName} is one of ours ({@value #OURS}*) and names
 * a bundle the runtime jar installed is taken here: the built-in bundle is <em>updated</em> from the jar
 * ({@link Bundle#update(InputStream)}, then refreshed), which is the hot swap the platform is built for: handles move
 * to the new revision, parked holds are taken over, nothing is lost. Without this, FileInstall would install the jar
 * as a second bundle beside the built-in one, and the old revision would go on serving.
 *
 * <p>Any other file (another bundle, a bundle FileInstall installed itself) is left to FileInstall. When the jar is
 * removed from {@code deploy/}, the bundle stays at the revision it runs: going back is dropping the older jar (the
 * next start of the runtime jar may also bring its own version back; the jar still in {@code deploy/} is applied
 * again then).
 */
@Component(service = ArtifactInstaller.class, immediate = true,
        property = {Constants.SERVICE_RANKING + ":Integer=100", DeployedUpgrade.MARKER + "=true"})
public final class DeployedUpgrade implements ArtifactInstaller {

    /** Marks this component's service. */
    static final String MARKER = "shm.deploy.upgrade";
    /** The symbolic-name prefix of the bundles this component upgrades. */
    static final String OURS = "shm.";

    private final BundleContext context;
    private final FrameworkWiring wiring;
    private final Logger logger;
    private final Path deploy;

    /**
     * Starts answering for {@code <felix.fileinstall.dir>}, the folder FileInstall watches for bundles; without it
     * (no platform home), answers for nothing.
     *
     * @param context     this bundle's context
     * @param logger      where each upgrade is said in one line
     * @param fileInstall FileInstall's own installer, not called: the reference makes this component wait for
     *                    FileInstall, so that in a framework without it (FileInstall's package is an optional import)
     *                    the component stays unsatisfied instead of failing to register under a class that is not
     *                    there, which Declarative Services reports as an error at every start of this bundle
     */
    @Activate
    public DeployedUpgrade(BundleContext context, @Reference(service = LoggerFactory.class) Logger logger,
            @Reference(target = "(&(objectClass=org.osgi.service.cm.ConfigurationListener)(!(" + EtcGate.MARKER
                    + "=*)))") ArtifactInstaller fileInstall) {
        this.context = context;
        // Kept from the start: an update of shm.shell itself ends this revision's context while update() runs.
        this.wiring = context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class);
        this.logger = logger;
        String folder = context.getProperty("felix.fileinstall.dir");
        this.deploy = folder == null || folder.isBlank() ? null : Path.of(folder.strip()).toAbsolutePath().normalize();
    }

    @Override
    public boolean canHandle(File artifact) {
        return deploy != null && artifact.getName().endsWith(".jar")
                && deploy.equals(artifact.toPath().toAbsolutePath().normalize().getParent())
                && builtInOf(artifact.toPath()).isPresent();
    }

    /** A jar appeared (or was there at start): upgrades the built-in bundle unless it already runs that version. */
    @Override
    public void install(File artifact) throws BundleException, IOException {
        upgrade(artifact.toPath(), false);
    }

    /** The jar changed: upgrades the built-in bundle from it. */
    @Override
    public void update(File artifact) throws BundleException, IOException {
        upgrade(artifact.toPath(), true);
    }

    /** The jar was removed: the bundle keeps the revision it runs, and the log says so. */
    @Override
    public void uninstall(File artifact) {
        logger.info("deploy/" + artifact.getName() + " removed: the bundle keeps the revision it runs; drop another"
                + " jar of it into deploy/ to change it");
    }

    private void upgrade(Path jar, boolean changed) throws BundleException, IOException {
        Optional<Bundle> found = builtInOf(jar);
        Optional<Manifest> manifest = manifestOf(jar);
        if (found.isEmpty() || manifest.isEmpty()) {
            return;
        }
        Bundle bundle = found.get();
        Version before = bundle.getVersion();
        Version after = Version.parseVersion(manifest.get().getMainAttributes().getValue(Constants.BUNDLE_VERSION));
        if (!changed && before.equals(after)) {
            logger.info("deploy/" + jar.getFileName() + ": " + bundle.getSymbolicName() + " already runs " + after);
            return;
        }
        try (InputStream in = Files.newInputStream(jar)) {
            bundle.update(in);
        }
        wiring.refreshBundles(List.of(bundle));
        logger.info("deploy/" + jar.getFileName() + ": " + bundle.getSymbolicName() + " (bundle "
                + bundle.getBundleId() + ") updated in place from " + before + " to " + after
                + "; its handles and holds move to the new revision");
    }

    /** The built-in bundle (installed by the runtime jar, not from {@code deploy/}) the jar is a version of. */
    private Optional<Bundle> builtInOf(Path jar) {
        Optional<String> name = manifestOf(jar)
                .map(manifest -> manifest.getMainAttributes().getValue(Constants.BUNDLE_SYMBOLICNAME))
                .map(value -> value.split(";", 2)[0].strip())
                .filter(value -> value.startsWith(OURS));
        if (name.isEmpty()) {
            return Optional.empty();
        }
        for (Bundle bundle : context.getBundles()) {
            if (name.get().equals(bundle.getSymbolicName()) && !fromDeploy(bundle)) {
                return Optional.of(bundle);
            }
        }
        return Optional.empty();
    }

    private boolean fromDeploy(Bundle bundle) {
        String location = bundle.getLocation();
        return location != null && location.contains(deploy.toUri().getPath());
    }

    private static Optional<Manifest> manifestOf(Path jar) {
        try (JarFile file = new JarFile(jar.toFile())) {
            return Optional.ofNullable(file.getManifest());
        } catch (IOException notAJar) {
            return Optional.empty(); // FileInstall retries when the file changes (a copy still being written)
        }
    }
}
