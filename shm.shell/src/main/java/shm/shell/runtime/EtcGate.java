package shm.shell.runtime;

import java.io.File;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.felix.fileinstall.ArtifactInstaller;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;

/**
 * The door of the platform home's {@code etc/}: Apache Felix FileInstall hands it every configuration file there
 * (it ranks above FileInstall's own installer), it checks the file's values against Metatype and the root rule
 * ({@link ConfigurationGuard#check}) and passes a good file on to FileInstall's installer, which puts it into
 * Configuration Admin ({@link EtcWriteBack} writes later changes back). A bad file is refused with one line in the log and never
 * reaches Configuration Admin, so no component sees it: the component keeps its configuration, handles and all,
 * without being restarted; the file stays as the operator wrote it and {@code shm:config} shows the refusal.
 *
 * <p>So that FileInstall asks this component about {@code etc/} from the very first file, the component makes the
 * folder's watcher itself, as a FileInstall configuration (factory PID {@value #FILEINSTALL_FACTORY_PID}) made when it
 * activates and deleted when it deactivates; the launcher agent has FileInstall watch only {@code deploy/} by itself.
 * The component is satisfied only where FileInstall runs (its reference to FileInstall's installer), and does
 * nothing without a platform home.
 */
@Component(service = ArtifactInstaller.class, immediate = true,
        property = {Constants.SERVICE_RANKING + ":Integer=100", EtcGate.MARKER + "=true"})
public final class EtcGate implements ArtifactInstaller {

    /** FileInstall's factory PID for the folders it watches. */
    static final String FILEINSTALL_FACTORY_PID = "org.apache.felix.fileinstall";
    /** Marks this component's service and the watcher configuration it makes. */
    static final String MARKER = "shm.etc.gate";
    /** The FileInstall settings the etc watcher takes over from the framework properties. */
    private static final String[] WATCHER_SETTINGS = {"felix.fileinstall.poll", "felix.fileinstall.noInitialDelay",
        "felix.fileinstall.log.level", "felix.fileinstall.log.default", "felix.fileinstall.tmpdir"};
    /** A FileInstall typed value, {@code I"5"}, {@code B"true"} or {@code "text"}: the text between the quotes. */
    static final Pattern TYPED = Pattern.compile("[TIiLlFfDdXxSsCcBb]?\"(.*)\"");

    private final ArtifactInstaller files;
    private final ConfigurationGuard guard;
    private final ConfigurationAdmin admin;
    private final Path etc;
    private final Configuration watcher;
    private final Bundle bundle;
    private volatile boolean closed;

    /**
     * Starts watching {@code <shm.home>/etc} through this door; without a home, does nothing.
     *
     * @param context this bundle's context
     * @param files   FileInstall's own configuration installer, to which good files go
     * @param guard   the checks, and where refusals are kept
     * @param admin   Configuration Admin, for the watcher's configuration
     * @throws IOException when the watcher's configuration cannot be stored
     */
    @Activate
    public EtcGate(BundleContext context,
            @Reference(target = "(&(objectClass=org.osgi.service.cm.ConfigurationListener)(!(" + MARKER + "=*)))")
            ArtifactInstaller files,
            @Reference ConfigurationGuard guard, @Reference ConfigurationAdmin admin) throws IOException {
        this.files = files;
        this.guard = guard;
        this.admin = admin;
        this.bundle = context.getBundle();
        String home = context.getProperty("shm.home");
        this.etc = home == null || home.isBlank() ? null : Path.of(home.strip(), "etc").toAbsolutePath().normalize();
        removeWatchers(); // a watcher left by a runtime that was killed
        if (etc == null) {
            this.watcher = null;
            return;
        }
        Hashtable<String, Object> settings = new Hashtable<>();
        for (String key : WATCHER_SETTINGS) {
            String value = context.getProperty(key);
            if (value != null) {
                settings.put(key, value);
            }
        }
        settings.put("felix.fileinstall.dir", etc.toString());
        settings.put("felix.fileinstall.filter", ".*\\.(cfg|config)");
        settings.put(MARKER, "true");
        this.watcher = admin.getFactoryConfiguration(FILEINSTALL_FACTORY_PID, "etc", "?");
        watcher.update(settings);
    }

    /** Stops watching {@code etc/}: FileInstall ends the watcher, and the configurations stay as they are. */
    @Deactivate
    void deactivate() throws IOException {
        closed = true;
        if (watcher != null) {
            try {
                watcher.delete();
            } catch (IllegalStateException alreadyDeleted) {
                // gone with Configuration Admin
            }
        }
    }

    private void removeWatchers() throws IOException {
        try {
            Configuration[] left = admin.listConfigurations("(&(" + ConfigurationAdmin.SERVICE_FACTORYPID + "="
                    + FILEINSTALL_FACTORY_PID + ")(" + MARKER + "=true))");
            if (left != null) {
                for (Configuration configuration : left) {
                    configuration.delete();
                }
            }
        } catch (InvalidSyntaxException impossible) {
            throw new IllegalStateException(impossible);
        }
    }

    @Override
    public boolean canHandle(File artifact) {
        String name = artifact.getName();
        return etc != null && (name.endsWith(".cfg") || name.endsWith(".config"))
                && etc.equals(artifact.toPath().toAbsolutePath().normalize().getParent());
    }

    @Override
    public void install(File artifact) throws Exception {
        if (admitWhileRunning(artifact)) {
            files.install(artifact);
        }
    }

    @Override
    public void update(File artifact) throws Exception {
        if (admitWhileRunning(artifact)) {
            files.update(artifact);
        }
    }

    @Override
    public void uninstall(File artifact) throws Exception {
        guard.forgetFile(artifact.toPath());
        files.uninstall(artifact);
    }

    /**
     * Whether the file's values pass, while this bundle runs. FileInstall calls on Configuration Admin's thread, which
     * can still be at work when the runtime shuts down (a command line that fails at once, for example): once this
     * bundle is stopping its context is invalid, and the file is left for the next start instead of a stack trace on
     * the operator's console.
     */
    private boolean admitWhileRunning(File artifact) throws IOException {
        if (closed) {
            return false;
        }
        try {
            return admit(artifact);
        } catch (IllegalStateException e) {
            if (closed || bundle.getState() != Bundle.ACTIVE) {
                return false;
            }
            throw e;
        }
    }

    /** Whether the file's values pass; a refusal is logged and kept by the guard. */
    private boolean admit(File artifact) throws IOException {
        if (artifact.getName().endsWith(".config")) {
            return true; // the typed .config format is FileInstall's to read; the guard checks it on its way in
        }
        String[] pid = pidOf(artifact.getName());
        Optional<String> problem = guard.check(pid[0], pid[1], read(artifact.toPath()), artifact.toPath());
        return problem.isEmpty();
    }

    /** The configuration PID and factory PID ({@code null} for none) FileInstall makes of a file name. */
    static String[] pidOf(String fileName) {
        String base = fileName.substring(0, fileName.lastIndexOf('.'));
        int dash = base.indexOf('-');
        if (dash > 0) {
            String factory = base.substring(0, dash);
            return new String[] {factory + "~" + base.substring(dash + 1), factory};
        }
        return new String[] {base, null};
    }

    /** {@code value} escaped for an LDAP filter (backslash, {@code *} and parentheses), as in a search by property. */
    public static String filterValue(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (char c : value.toCharArray()) {
            if (c == '\\' || c == '*' || c == '(' || c == ')') {
                out.append('\\');
            }
            out.append(c);
        }
        return out.toString();
    }

    /** The file's values as text, FileInstall's type prefixes and quotes taken off (also for the entry point's wait). */
    public static Dictionary<String, Object> read(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        Hashtable<String, Object> values = new Hashtable<>();
        for (String key : properties.stringPropertyNames()) {
            String value = properties.getProperty(key).strip();
            Matcher typed = TYPED.matcher(value);
            values.put(key, typed.matches() ? typed.group(1) : value);
        }
        return values;
    }
}
