package shm.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * Another version of a bundle, made by a test: the same jar with another {@code Bundle-Version}, so that an update
 * or a drop into {@code deploy/} brings a genuinely different revision.
 */
public final class BundleVersions {

    private BundleVersions() {
    }

    /**
     * Writes the bundle read from {@code original} to {@code copy} with its {@code Bundle-Version}'s qualifier
     * replaced by {@code qualifier} (major, minor and micro kept). The copy appears at once, complete (written beside
     * it, then moved), as a watcher of its folder must see it.
     *
     * @return the version written
     */
    public static String writeWithQualifier(InputStream original, String qualifier, Path copy) throws IOException {
        Path temporary = copy.resolveSibling("." + copy.getFileName() + "." + ProcessHandle.current().pid() + ".part");
        Files.createDirectories(copy.toAbsolutePath().getParent());
        String written;
        try (JarInputStream in = new JarInputStream(original); OutputStream file = Files.newOutputStream(temporary)) {
            if (in.getManifest() == null) {
                throw new IOException("not a bundle (no manifest first in the jar): " + copy.getFileName());
            }
            Manifest manifest = new Manifest(in.getManifest());
            Attributes main = manifest.getMainAttributes();
            String[] parts = main.getValue("Bundle-Version").split("\\.");
            written = parts[0] + "." + (parts.length > 1 ? parts[1] : "0") + "." + (parts.length > 2 ? parts[2] : "0")
                    + "." + qualifier;
            main.putValue("Bundle-Version", written);
            try (JarOutputStream out = new JarOutputStream(file, manifest)) {
                for (JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
                    out.putNextEntry(new JarEntry(entry.getName()));
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
        } catch (IOException | RuntimeException failed) {
            Files.deleteIfExists(temporary);
            throw failed;
        }
        Files.move(temporary, copy, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return written;
    }
}
