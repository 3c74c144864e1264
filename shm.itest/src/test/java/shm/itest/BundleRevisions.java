package shm.itest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
        try (InputStream in = Files.newInputStream(original)) {
            shm.testkit.BundleVersions.writeWithQualifier(in, qualifier, copy);
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
