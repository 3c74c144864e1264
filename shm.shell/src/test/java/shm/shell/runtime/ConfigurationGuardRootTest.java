package shm.shell.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guard's rule for the mmap backend's {@code root}, on real directories: a directory that holds others' files and
 * no store is refused before the backend sees it (an operator's {@code root = /etc} used to get a 6.6 MB table beside
 * the system's files); an empty or new directory, a store, and a store's leftovers pass.
 */
class ConfigurationGuardRootTest {

    @TempDir
    Path temporary;

    @Test
    void aDirectoryOfOthersFilesWithoutAStoreIsRefusedNamingSomeOfThem() throws IOException {
        for (String name : new String[] {"passwd", "hosts", "group", "shadow"}) {
            Files.writeString(temporary.resolve(name), name);
        }
        assertEquals(Optional.of("root = '" + temporary + "': a store is made only in an empty directory or in one"
                + " that holds a store already (it holds group, hosts, passwd, ... (4 files) and no store's table)"),
                ConfigurationGuard.rootProblem(temporary.toString(), false));
        assertEquals(Optional.empty(), ConfigurationGuard.rootProblem(temporary.toString(), true),
                "trustRoot: the operator takes the directory as it is");
    }

    @Test
    void anEmptyOrNewDirectoryAStoreAndAStoresLeftoversPass() throws IOException {
        assertEquals(Optional.empty(), ConfigurationGuard.rootProblem(temporary.toString(), false));
        assertEquals(Optional.empty(), ConfigurationGuard.rootProblem(temporary.resolve("new/ns").toString(), false));
        Files.writeString(temporary.resolve(".t.4242.table.17"), "");
        Files.writeString(temporary.resolve("table.broken.1764633600000"), "");
        assertEquals(Optional.empty(), ConfigurationGuard.rootProblem(temporary.toString(), false));
        Files.writeString(temporary.resolve("notes.txt"), "");
        assertTrue(ConfigurationGuard.rootProblem(temporary.toString(), false).isPresent(), "another file besides them");
        Files.writeString(temporary.resolve("table"), "");
        assertEquals(Optional.empty(), ConfigurationGuard.rootProblem(temporary.toString(), false),
                "a store's root: the backend checks its table");
    }

    @Test
    void aRelativeRootIsRefusedAsBefore() {
        assertEquals(Optional.of("root = 'relative/path': must be an absolute directory this user can create objects"
                + " in (it is relative)"), ConfigurationGuard.rootProblem("relative/path", false));
    }
}
