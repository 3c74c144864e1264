package shm.runtime.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When the launcher agent hands a command line's command to a running runtime, and which arguments it hands over
 * (the hand-over itself, with real processes: {@code shm.runtime.AttachedCommandIT}).
 */
class HandOverRulesIT {

    @TempDir
    Path home;

    private Path socket;

    @BeforeEach
    void socketPath() {
        socket = home.resolve(RuntimeHome.ATTACH_SOCKET);
    }

    @Test
    void aCommandLineHandsOverOnlyWithoutRuntimeSettingsAndWhereASocketIs() throws IOException {
        Files.createDirectories(socket.getParent());
        Properties plain = new Properties();
        plain.setProperty("java.version", "25");
        plain.setProperty(RuntimeHome.HOME_PROPERTY, home.toString());
        plain.setProperty("shm.launch.linker.warmup", "false");
        assertFalse(RuntimeHome.mayHandOver(plain, home), "handed over where no runtime listens");

        Files.createFile(socket);
        assertTrue(RuntimeHome.mayHandOver(plain, home));
        for (String setting : List.of("shm.provider.mmap.root", "felix.fileinstall.poll", "org.osgi.framework.storage",
                "launch.storage.dir", "gosh.args")) {
            Properties withSetting = new Properties();
            withSetting.putAll(plain);
            withSetting.setProperty(setting, "x");
            assertFalse(RuntimeHome.mayHandOver(withSetting, home),
                    setting + " was not kept for a runtime of its own");
        }
        Properties off = new Properties();
        off.putAll(plain);
        off.setProperty(RuntimeHome.ATTACH_PROPERTY, "false");
        assertFalse(RuntimeHome.mayHandOver(off, home));
    }

    @Test
    void theArgumentsOfMainAreReadExactlyFromTheJvmsCommandLine() {
        assertEquals(List.of("shm:write", "a", "0", "two  words;x"), AttachedCommandClient.mainArguments(
                List.of("-XX:TieredStopAtLevel=1", "-Dx=-jar", "-jar", "/opt/shm.jar", "shm:write", "a", "0",
                        "two  words;x")));
        assertEquals(List.of(), AttachedCommandClient.mainArguments(List.of("-jar", "/opt/shm.jar")));
        assertEquals(List.of(),
                AttachedCommandClient.mainArguments(List.of("-cp", "shm.jar", "aQute.launcher.Launcher", "x")));
    }
}
