package shm.shell.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Map;
import java.util.TreeMap;

import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.service.cm.ConfigurationEvent;
import org.osgi.service.cm.ConfigurationListener;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.log.Logger;
import org.osgi.service.log.LoggerFactory;

/**
 * Writes a configuration changed at runtime ({@code shm:config set}, {@code shm:rank}, {@code shm:use}, the web
 * console) back into its file in the platform home's {@code etc/}, so that the change outlives a restart.
 *
 * <p>This replaces Apache Felix FileInstall's own write-back ({@code felix.fileinstall.enableConfigSave=false}), which
 * rewrote the file after every update, including the update it had just read from that same file, by truncating it in
 * place: its own watcher, polling the folder, could read the file while it was empty or half written and put that into
 * Configuration Admin, and the write-back that followed then emptied the file for good (an operator's settings and
 * comments lost). Here a file is written only when its values differ from the configuration, with
 * {@link CfgText#merged} (comments and untouched lines kept) and replaced by an atomic rename. Values are written as
 * plain text, which FileInstall reads back as strings; the components' typed configurations convert them. A typed
 * {@code .config} file is not rewritten (a command's change to one is logged as lasting until a restart), and a deleted
 * configuration leaves its file in place (one log line says so): the operator's file is theirs to delete.
 */
@Component(service = {ConfigurationListener.class, EtcWriteBack.class}, immediate = true)
public final class EtcWriteBack implements ConfigurationListener {

    /** The property FileInstall adds to each configuration it created from a file: the file's URI. */
    static final String FILENAME = "felix.fileinstall.filename";

    private final ConfigurationAdmin admin;
    private final Logger logger;
    private final Path etc;

    /**
     * Writes back into {@code <shm.home>/etc}; without a platform home, does nothing.
     *
     * @param context this bundle's context, for the home
     * @param admin   Configuration Admin, to read the configuration an event names
     * @param logger  where each write-back and each change that cannot be written back is said
     */
    @Activate
    public EtcWriteBack(BundleContext context, @Reference ConfigurationAdmin admin,
            @Reference(service = LoggerFactory.class) Logger logger) {
        this.admin = admin;
        this.logger = logger;
        String home = context.getProperty("shm.home");
        this.etc = home == null || home.isBlank() ? null : Path.of(home.strip(), "etc").toAbsolutePath().normalize();
    }

    @Override
    public void configurationEvent(ConfigurationEvent event) {
        if (event.getType() == ConfigurationEvent.CM_UPDATED) {
            writeBack(event.getPid(), false);
        } else if (event.getType() == ConfigurationEvent.CM_DELETED && etc != null) {
            Path file = etc.resolve(event.getPid().replace('~', '-') + ".cfg");
            if (Files.exists(file)) {
                logger.info("configuration {} deleted at runtime; {} is kept, so it comes back at the next start"
                        + " (delete the file to remove it for good)", event.getPid(), file);
            }
        }
    }

    /**
     * Writes the configuration {@code pid} into its file now, if it came from a file of {@code etc/} and the file's
     * values differ; a command that changes a configuration calls this so that the change is in the file before the
     * command answers (Configuration Admin's event comes later, and a one-shot run may end first). A failure is one
     * warning in the log; the configuration itself stays changed.
     *
     * @param pid the configuration's PID
     */
    public void writeBack(String pid) {
        writeBack(pid, true);
    }

    /** {@code byCommand}: a command changed it (an event also comes for every file FileInstall reads). */
    private synchronized void writeBack(String pid, boolean byCommand) {
        if (etc == null) {
            return;
        }
        try {
            updated(pid, byCommand);
        } catch (IOException | RuntimeException failed) {
            logger.warn("configuration {}: its file in {} could not be written back ({}); the change holds until the"
                    + " runtime stops", pid, etc, String.valueOf(failed));
        }
    }

    private void updated(String pid, boolean byCommand) throws IOException {
        Dictionary<String, Object> properties = current(pid);
        Path file = properties == null ? null : fileOf(properties.get(FILENAME));
        if (file == null) {
            return;
        }
        if (!file.getFileName().toString().endsWith(".cfg")) {
            if (byCommand) {
                logger.info("configuration {} changed at runtime; {} is in the typed format and is not rewritten: the"
                        + " change holds until the runtime stops", pid, file);
            }
            return;
        }
        String text;
        try {
            text = CfgText.read(file);
        } catch (NoSuchFileException removed) {
            return; // the operator removed the file: FileInstall deletes the configuration next
        }
        String merged = CfgText.merged(text, values(properties));
        if (!merged.equals(text)) {
            CfgText.replace(file, merged);
            logger.info("configuration {} written back into {}", pid, file);
        }
    }

    /** The configuration's current properties, without making one when there is none. */
    private Dictionary<String, Object> current(String pid) throws IOException {
        try {
            Configuration[] found = admin.listConfigurations("(" + Constants.SERVICE_PID + "=" + EtcGate.filterValue(pid) + ")");
            return found == null || found.length == 0 ? null : found[0].getProperties();
        } catch (InvalidSyntaxException impossible) {
            return null;
        }
    }

    /** The file a configuration came from, when it is a file of this home's {@code etc/}. */
    private Path fileOf(Object uri) {
        if (uri == null) {
            return null;
        }
        try {
            Path file = Path.of(java.net.URI.create(uri.toString())).toAbsolutePath().normalize();
            return etc.equals(file.getParent()) && Files.exists(file) ? file : null;
        } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException notAFile) {
            return null;
        }
    }

    /** The configuration's settings as text, without the properties Configuration Admin and FileInstall add. */
    static Map<String, String> values(Dictionary<String, Object> properties) {
        Map<String, String> values = new TreeMap<>();
        for (String key : Collections.list(properties.keys())) {
            if (key.equals(Constants.SERVICE_PID) || key.equals(ConfigurationAdmin.SERVICE_FACTORYPID)
                    || key.equals(ConfigurationAdmin.SERVICE_BUNDLELOCATION) || key.equals(FILENAME)) {
                continue;
            }
            values.put(key, ConfigurationGuard.text(properties.get(key)));
        }
        return values;
    }
}
