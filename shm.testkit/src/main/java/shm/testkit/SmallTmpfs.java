package shm.testkit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A tmpfs of a few MiB mounted for one test, to make a store run out of space for real. Mounting needs root
 * (CAP_SYS_ADMIN): where it fails, the test is skipped (JUnit 5 assumption) with the reason {@code mount} gave.
 */
public final class SmallTmpfs implements AutoCloseable {

    private final Path mountPoint;

    private SmallTmpfs(Path mountPoint) {
        this.mountPoint = mountPoint;
    }

    /** Mounts a tmpfs of {@code mebibytes} MiB (mode 0700) on a new temporary directory, or skips the test. */
    public static SmallTmpfs mount(int mebibytes) throws IOException, InterruptedException {
        Path mountPoint = Files.createTempDirectory("shm-small-tmpfs");
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + mebibytes + "m,mode=0700",
                "tmpfs", mountPoint.toString()).redirectErrorStream(true).start();
        String output = new String(mount.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        boolean mounted = mount.waitFor(30, TimeUnit.SECONDS) && mount.exitValue() == 0;
        if (!mounted) {
            mount.destroyForcibly();
            Files.deleteIfExists(mountPoint);
        }
        assumeTrue(mounted, "cannot mount a small tmpfs here (needs root / CAP_SYS_ADMIN): " + output);
        return new SmallTmpfs(mountPoint);
    }

    /** Where the tmpfs is mounted. */
    public Path path() {
        return mountPoint;
    }

    /** Unmounts the tmpfs and removes the mount point. */
    @Override
    public void close() throws IOException, InterruptedException {
        Process umount = new ProcessBuilder("umount", mountPoint.toString()).inheritIO().start();
        if (!umount.waitFor(30, TimeUnit.SECONDS) || umount.exitValue() != 0) {
            throw new IOException("umount " + mountPoint + " failed");
        }
        Files.deleteIfExists(mountPoint);
    }
}
