package shm.itest;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarInputStream;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;

/**
 * A second version of a platform bundle, built by the test: the jar the build copied, with another
 * {@code Bundle-Version} (the qualifier replaced), so that an update installs a genuinely different revision.
 */
final class BundleRevisions {

    private BundleRevisions() {
    }

    /**
     * Writes {@code <artifactId>-<qualifier>.jar} next to the original jar: the same content, its
     * {@code Bundle-Version} with {@code qualifier} as qualifier. Returns the path (made again whenever the build
     * copied a newer original).
     */
    static Path withQualifier(String artifactId, String qualifier) {
        Path original = ShmFramework.jarOf(artifactId);
        // Beside the exported bundles, not among them: the framework is provisioned from that directory by name.
        Path copy = original.getParent().resolveSibling("itest-revisions").resolve(artifactId + "-" + qualifier
                + ".jar");
        try {
            if (Files.isRegularFile(copy)
                    && Files.getLastModifiedTime(copy).compareTo(Files.getLastModifiedTime(original)) >= 0) {
                return copy;
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path temporary = copy.resolveSibling("." + artifactId + "-" + qualifier + "." + ProcessHandle.current().pid());
        try {
            Files.createDirectories(copy.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (JarInputStream in = new JarInputStream(Files.newInputStream(original));
             OutputStream file = Files.newOutputStream(temporary)) {
            Manifest manifest = new Manifest(in.getManifest());
            Attributes main = manifest.getMainAttributes();
            String version = main.getValue("Bundle-Version");
            String[] parts = version.split("\\.");
            main.putValue("Bundle-Version", parts[0] + "." + parts[1] + "." + parts[2] + "." + qualifier);
            try (JarOutputStream out = new JarOutputStream(file, manifest)) {
                for (JarEntry entry = in.getNextJarEntry(); entry != null; entry = in.getNextJarEntry()) {
                    out.putNextEntry(new JarEntry(entry.getName()));
                    in.transferTo(out);
                    out.closeEntry();
                }
            }
            Files.move(temporary, copy, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a second revision of " + original, e);
        }
    }

    /** The stream of a jar, for {@code Bundle.update(InputStream)}. */
    static InputStream open(Path jar) {
        try {
            return Files.newInputStream(jar);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
