package shm.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * Checks that a runtime jar's launcher agent refuses a Java older than 25 the way every runtime jar must: one line
 * on the process's output, exit code 2, at once (not after the framework hangs on class files it cannot read). Skips
 * with the reason where this machine has no Java 17.
 */
public final class OldJava {

    /** The Java 17 of this machine kind (the default JDK, which runs Maven). */
    public static final Path JAVA_17 = Path.of("/usr/lib/jvm/java-17-openjdk-amd64/bin/java");

    private OldJava() {
    }

    /**
     * Starts {@code jar} with Java 17 and the platform home {@code home} ({@code SHM_HOME}), asking for {@code shm:list},
     * and asserts the refusal.
     */
    public static void assertRefusedInOneLine(Path jar, Path home) throws IOException, InterruptedException {
        assumeTrue(Files.isExecutable(JAVA_17), "no Java 17 on this machine");
        ProcessBuilder builder = new ProcessBuilder(JAVA_17.toString(), "-jar", jar.toString(), "shm:list")
                .redirectErrorStream(true);
        builder.environment().put("SHM_HOME", home.toString());
        Process process = builder.start();
        process.getOutputStream().close();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "refused at once, not after a hang");
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertEquals(2, process.exitValue(), output);
        assertEquals(1, output.lines().count(), output);
        assertTrue(output.endsWith("is Java 17; the shm runtime needs Java 25 or later (set SHM_JAVA or JAVA_HOME)"),
                output);
    }
}
