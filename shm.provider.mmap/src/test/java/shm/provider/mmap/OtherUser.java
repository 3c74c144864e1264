package shm.provider.mmap;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A real second user of this machine, made with {@code useradd} for a test and removed after it. Needs root; where
 * the machine does not allow it the test is skipped with the reason.
 */
final class OtherUser implements AutoCloseable {

    private final String name;
    private final int uid;

    private OtherUser(String name, int uid) {
        this.name = name;
        this.uid = uid;
    }

    /** Creates the user, or skips the calling test with the reason. */
    static OtherUser create() {
        assumeTrue(RootDirectory.currentUid() == 0, "a second user can only be made by root (useradd); this test runs"
                + " as uid " + RootDirectory.currentUid());
        String name = "shmt" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xffffff));
        String made = run(List.of("useradd", "--no-create-home", "--shell", "/usr/sbin/nologin", name));
        assumeTrue(made.startsWith("0:"), "useradd failed here: " + made);
        String id = run(List.of("id", "-u", name));
        assumeTrue(id.startsWith("0:"), "id -u failed: " + id);
        return new OtherUser(name, Integer.parseInt(id.substring(2).strip()));
    }

    String name() {
        return name;
    }

    int uid() {
        return uid;
    }

    /** Runs a command as this user ({@code runuser}); returns "exit:output". */
    String runAs(String... command) {
        List<String> full = new java.util.ArrayList<>(List.of("runuser", "-u", name, "--"));
        full.addAll(List.of(command));
        return run(full);
    }

    private static String run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return "timeout:" + out;
            }
            return p.exitValue() + ":" + out;
        } catch (IOException e) {
            return "io:" + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted:" + e;
        }
    }

    @Override
    public void close() {
        run(List.of("userdel", name));
    }

    /** The pid of a real child process that has run and exited (and was waited for): a pid no process has now. */
    static long deadPid() {
        try {
            Process p = new ProcessBuilder("true").start();
            p.waitFor(30, TimeUnit.SECONDS);
            return p.pid();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
