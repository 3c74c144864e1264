package shm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Command lines handed to the runtime that runs in their home: the exported jar as a served runtime
 * ({@code --serve}) and at its prompt, and the same jar as the command lines an operator types beside it, all real
 * processes over a real mmap root.
 */
class AttachedCommandIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path temporary;

    private Path root() {
        return temporary.resolve("root");
    }

    private Path home() {
        return RuntimeProcess.home(root());
    }

    private Path socket() {
        return home().resolve("run/shell.sock");
    }

    private void awaitListening(RuntimeProcess runtime) {
        runtime.awaitListening(home(), PATIENCE);
    }

    private static RuntimeProcess.Finished commandLine(Path home, String... arguments) throws Exception {
        return RuntimeProcess.runCommandLine(home, PATIENCE, arguments);
    }

    @Test
    void aServedRuntimeRunsItsHomesCommandLinesWhichStartNoRuntimeOfTheirOwn() throws Exception {
        try (RuntimeProcess served = RuntimeProcess.start(root(), "--serve")) {
            served.closeInput();
            awaitListening(served);

            RuntimeProcess.Finished created;
            try (RuntimeProcess command = RuntimeProcess.startCommandLine(home(), "shm:create", "kept", "4k")) {
                command.closeInput();
                Duration toAnswer = command.awaitOutput("created 'kept'", PATIENCE);
                System.out.printf("timing: java -jar shm.jar shm:create handed to a served runtime, to its answer:"
                        + " %d ms%n", toAnswer.toMillis());
                created = command.awaitExit(PATIENCE);
            }
            assertEquals(0, created.exitCode(), created.errors());
            assertEquals("created 'kept' (4096 bytes); this shell holds 1 handle of it\n", created.output());
            assertEquals("", created.errors());

            // The served runtime holds it now: the command line's JVM has ended, the object lives on.
            RuntimeProcess.Finished listed = commandLine(home(), "shm:list");
            assertEquals(0, listed.exitCode(), listed.errors());
            assertTrue(listed.output().contains("kept  SHARED_MEMORY  4096     4096  " + served.pid() + " (java) x1"),
                    listed.output());

            // A command line that sets a property the runtime reads runs in a JVM of its own.
            try (RuntimeProcess own = RuntimeProcess.start(root(), "-c", "shm:create own 4k; shm:list")) {
                own.closeInput();
                RuntimeProcess.Finished ownRun = own.awaitExit(PATIENCE);
                assertEquals(0, ownRun.exitCode(), ownRun.errors());
                assertTrue(ownRun.output().contains("own   SHARED_MEMORY  4096     4096  " + own.pid() + " (java) x1"),
                        ownRun.output());
                assertNotEquals(served.pid(), own.pid());
            }

            RuntimeProcess.Finished failed = commandLine(home(), "shm:dump", "absent");
            assertEquals(1, failed.exitCode());
            assertEquals("error: 'absent': no object of that name exists (NOT_FOUND)\n",
                    failed.errors(), "a handed-over command prints only its answer: no JVM warning, no framework");
            RuntimeProcess.Finished secondServer = commandLine(home(), "--serve");
            assertEquals(2, secondServer.exitCode());
            assertTrue(secondServer.errors().startsWith("error: a runtime of the home " + home()
                    + " runs already (process " + served.pid() + ")"), secondServer.errors());

            // SIGTERM: the JVM's shutdown hook stops the framework (every handle closed, the socket removed) and the
            // JVM ends as a Java program ends on SIGTERM, with 143 (128 + 15).
            served.terminate();
            assertEquals(143, served.awaitExit(PATIENCE).exitCode());
        }
        assertFalse(Files.exists(socket(), LinkOption.NOFOLLOW_LINKS), "the served runtime left its socket");
        assertEquals(List.of(), RuntimeProcess.objectFiles(root()),
                "the served runtime's last close destroyed what only it held");
    }

    @Test
    void theRuntimeAtItsPromptTakesTheCommandLinesOfItsHomeToo() throws Exception {
        try (RuntimeProcess prompt = RuntimeProcess.start(root())) {
            prompt.awaitOutput("g! ", PATIENCE);
            awaitListening(prompt);
            prompt.typeLine("shm:create typed 4k");
            prompt.awaitOutput("created 'typed'", PATIENCE);

            RuntimeProcess.Finished handed = commandLine(home(), "-c", "shm:write typed 0 handed; shm:dump typed 0 6");
            assertEquals(0, handed.exitCode(), handed.errors());
            assertTrue(handed.output().contains("|handed|"), handed.output());

            prompt.closeInput();
            assertEquals(0, prompt.awaitExit(PATIENCE).exitCode());
        }
        assertFalse(Files.exists(socket(), LinkOption.NOFOLLOW_LINKS), "the prompt's runtime left its socket");
    }
}
