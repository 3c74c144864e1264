package shm.shell;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * Tells when Apache Felix FileInstall has read every configuration file of the home's {@code etc/} folder into
 * Configuration Admin: FileInstall marks each configuration it made with the property {@value #FILENAME}, the file's
 * URI. The entry point starts the shm bundles only after that, so that they start with their configuration instead of
 * starting with the defaults and being reconfigured a moment later.
 */
final class EtcReadiness {

    /** The property FileInstall adds to each configuration it created from a file. */
    static final String FILENAME = "felix.fileinstall.filename";
    private static final Duration POLL = Duration.ofMillis(10);

    private EtcReadiness() {
    }

    /** The configuration files of {@code etc} ({@code *.cfg} and {@code *.config}), sorted; none when it is absent. */
    static List<Path> files(Path etc) {
        List<Path> files = new ArrayList<>();
        if (etc == null || !Files.isDirectory(etc)) {
            return files;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(etc, "*.{cfg,config}")) {
            entries.forEach(files::add);
        } catch (IOException unreadable) {
            return files;
        }
        files.sort(null);
        return files;
    }

    /**
     * Waits until Configuration Admin holds a configuration for each of the files, or the deadline passed.
     *
     * @return the files still missing at the deadline (empty when all were read)
     */
    static List<Path> await(ConfigurationAdmin admin, List<Path> files, Instant deadline) throws InterruptedException {
        return await(admin, files, deadline, file -> false);
    }

    /**
     * Waits until Configuration Admin holds a configuration for each of the files, or the file was refused (its
     * values never go to Configuration Admin), or the deadline passed.
     *
     * @return the files still missing at the deadline (empty when all were read)
     */
    static List<Path> await(ConfigurationAdmin admin, List<Path> files, Instant deadline,
            java.util.function.Predicate<Path> refused) throws InterruptedException {
        List<Path> missing = new ArrayList<>(files);
        while (true) {
            missing.removeIf(file -> loaded(admin, file) || refused.test(file));
            if (missing.isEmpty() || !Instant.now().isBefore(deadline)) {
                return missing;
            }
            Thread.sleep(POLL.toMillis());
        }
    }

    /**
     * Whether Configuration Admin holds the file's configuration with the file's current values. A configuration made
     * from the file at an earlier start is kept in the framework's storage: present, yet with the values the file had
     * then, until FileInstall reads the file again.
     */
    private static boolean loaded(ConfigurationAdmin admin, Path file) {
        String uri = fileKey(file);
        try {
            var found = admin.listConfigurations("(" + FILENAME + "=" + shm.shell.runtime.EtcGate.filterValue(uri) + ")");
            if (found == null || found.length == 0) {
                return false;
            }
            if (!file.getFileName().toString().endsWith(".cfg")) {
                return true; // the typed .config format is FileInstall's to read; present is all this can tell
            }
            java.util.Dictionary<String, Object> current = found[0].getProperties();
            java.util.Dictionary<String, Object> written = shm.shell.runtime.EtcGate.read(file);
            for (String key : java.util.Collections.list(written.keys())) {
                if (String.valueOf(written.get(key)).contains("${")) {
                    continue; // FileInstall substitutes it: the text cannot be compared
                }
                Object value = current == null ? null : current.get(key);
                if (value == null || !String.valueOf(value).strip().equals(String.valueOf(written.get(key)))) {
                    return false;
                }
            }
            return true;
        } catch (IOException | InvalidSyntaxException unreadable) {
            return false;
        }
    }

    /** The key FileInstall records for a file: its absolute {@code java.io.File} URI ({@code file:/...}). */
    static String fileKey(Path file) {
        return file.toFile().getAbsoluteFile().toURI().toString();
    }
}
