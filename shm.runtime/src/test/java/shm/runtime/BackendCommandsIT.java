package shm.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import shm.testkit.TmpfsDirectory;

/**
 * An operator's mistakes with the backend commands, in the exported jar served in a home of its own and the command
 * lines typed beside it (real processes, a real mmap root): a pin of the neutral service to a backend type that no
 * backend has used to be taken, written into the configuration and kept across restarts; the service then had no
 * backend, and the objects it held were parked and, after the park deadline, released (an object only the runtime
 * held was destroyed). Now it is refused in one line and nothing changes, and so is the same filter set with
 * {@code shm:config set}; a negative swap wait and a store root moved into a directory of others' files are refused
 * too (the second used to get the store's table among them); a new root whose store the backend cannot use leaves it
 * serving the store it has; a ranking that is no number is a usage error.
 */
class BackendCommandsIT {

    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @TempDir
    Path temporary;

    private Path root() {
        return temporary.resolve("root");
    }

    private Path home() {
        return RuntimeProcess.home(root());
    }

    @Test
    void anOperatorsMistakesWithBackendsAndStoresAreRefusedAndTheRuntimesObjectStaysServed() throws Exception {
        try (RuntimeProcess served = RuntimeProcess.start(root(), "--serve")) {
            served.closeInput();
            served.awaitListening(home(), PATIENCE);
            RuntimeProcess.Finished created = RuntimeProcess.runCommandLine(home(), PATIENCE, "-c",
                    "shm:create kept 4k; shm:write kept 0 precious");
            assertEquals(0, created.exitCode(), created.errors());

            RuntimeProcess.Finished typo = RuntimeProcess.runCommandLine(home(), PATIENCE, "shm:use", "mmpa");
            assertEquals(1, typo.exitCode(), typo.output());
            assertEquals("error: no backend of type 'mmpa' is registered (registered: 'mmap'); the neutral service's"
                    + " binding is unchanged (shm:backends lists the backends)\n", typo.errors());
            RuntimeProcess.Finished forced = RuntimeProcess.runCommandLine(home(), PATIENCE, "shm:use", "--force",
                    "mmpa");
            assertEquals(1, forced.exitCode(), forced.output());
            assertTrue(forced.errors().startsWith("error: no backend of type 'mmpa' is registered"), forced.errors());

            RuntimeProcess.Finished filter = RuntimeProcess.runCommandLine(home(), PATIENCE, "shm:config", "set",
                    "shm.core", "backend.target", "(shm.backend.type=nothing)");
            assertEquals(1, filter.exitCode(), filter.output());
            assertEquals("error: refused: backend.target = '(shm.backend.type=nothing)' matches no registered backend"
                    + " (shm:backends lists them), so the component would bind none and its handles would be parked,"
                    + " then released; the configuration is unchanged\n", filter.errors());

            RuntimeProcess.Finished negative = RuntimeProcess.runCommandLine(home(), PATIENCE, "shm:config", "set",
                    "shm.core", "swap.wait.millis", "-5");
            assertEquals(1, negative.exitCode(), negative.output());
            assertEquals("error: refused: swap.wait.millis = '-5': less than minimum; the configuration is unchanged\n",
                    negative.errors());

            Path system = Files.createDirectories(temporary.resolve("system"));
            Files.writeString(system.resolve("passwd"), "root:x:0:0\n");
            RuntimeProcess.Finished moved = RuntimeProcess.runCommandLine(home(), PATIENCE, "shm:config", "set",
                    "shm.provider.mmap", "root", system.toString());
            assertEquals(1, moved.exitCode(), moved.output());
            assertEquals("error: refused: root = '" + system + "': a store is made only in an empty directory or in one"
                    + " that holds a store already (it holds passwd and no store's table); the configuration is"
                    + " unchanged\n", moved.errors());
            assertEquals(List.of("passwd"), TmpfsDirectory.fileNames(system), "nothing was written beside the files of others");

            // A root the guard cannot judge (a file named table that is no table): the backend refuses the store
            // and goes on serving the one it has, with its handles, and says so in one line.
            Path bogus = Files.createDirectories(temporary.resolve("bogus"));
            Files.writeString(bogus.resolve("table"), "not a table");
            RuntimeProcess.Finished unusable = RuntimeProcess.runCommandLine(home(), PATIENCE, "shm:config", "set",
                    "shm.provider.mmap", "root", bogus.toString());
            assertEquals(0, unusable.exitCode(), unusable.errors());
            RuntimeProcess.awaitLogged(home(), "the mmap backend goes on serving " + root() + ": the new"
                    + " configuration's store cannot be used: store " + bogus + ": the object table table cannot be"
                    + " used", PATIENCE);
            assertEquals("not a table", Files.readString(bogus.resolve("table")));
            RuntimeProcess.Finished kept = RuntimeProcess.runCommandLine(home(), PATIENCE, "-c",
                    "shm:dump kept 0 8; shm:config set shm.provider.mmap root " + root());
            assertEquals(0, kept.exitCode(), kept.errors());
            assertTrue(kept.output().contains("|precious|"), kept.output());

            RuntimeProcess.Finished ranked = RuntimeProcess.runCommandLine(home(), PATIENCE, "shm:rank", "mmap",
                    "high");
            assertEquals(2, ranked.exitCode(), ranked.output());
            assertEquals("error: 'high' is not a ranking: a whole number from -2147483648 to 2147483647; usage:"
                    + " shm:rank <service id|type> <ranking>\n", ranked.errors());

            RuntimeProcess.Finished after = RuntimeProcess.runCommandLine(home(), PATIENCE, "-c",
                    "shm:dump kept 0 8; shm:backends");
            assertEquals(0, after.exitCode(), after.errors());
            assertTrue(after.output().contains("|precious|"), after.output());
            assertTrue(after.output().contains("parked holds:\n  none"), after.output());
            assertTrue(after.output().lines().anyMatch(line -> line.contains("shm.core.NeutralServiceComponent #")
                    && line.contains("-> service ")), "the neutral service is bound to the backend: " + after.output());
            assertFalse(Files.exists(home().resolve("etc/shm.core.cfg")), "nothing was written into etc/");

            RuntimeProcess.Finished same = RuntimeProcess.runCommandLine(home(), PATIENCE, "shm:use", "mmap");
            assertEquals(0, same.exitCode(), same.errors());
            assertEquals("neutral service now binds (shm.backend.type=mmap) (handles move only within one namespace;"
                    + " see shm:backends)\n", same.output());
            RuntimeProcess.Finished still = RuntimeProcess.runCommandLine(home(), PATIENCE, "shm:dump", "kept", "0",
                    "8");
            assertTrue(still.output().contains("|precious|"), still.output());

            served.terminate();
            assertEquals(143, served.awaitExit(PATIENCE).exitCode());
        }
    }
}
