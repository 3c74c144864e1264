package shm.shell;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The short name of a process ({@code /proc/<pid>/comm}), for showing holders as {@code 4711 (java)}. */
final class ProcessNames {

    private ProcessNames() {
    }

    /** The process's name, or {@code "?"} when it cannot be read (gone, or another user's process on a locked /proc). */
    static String of(long pid) {
        try {
            String name = Files.readString(Path.of("/proc", Long.toString(pid), "comm"), StandardCharsets.UTF_8)
                    .strip();
            return name.isEmpty() ? "?" : OperatorText.printable(name);
        } catch (IOException | RuntimeException unreadable) {
            return "?";
        }
    }
}
