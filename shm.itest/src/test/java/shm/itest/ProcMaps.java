package shm.itest;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/** The memory mappings of this JVM, read from {@code /proc/self/maps} (Linux). */
final class ProcMaps {

    private static final Path MAPS = Path.of("/proc/self/maps");
    /** How the kernel names a mapped file that was made unnamed and linked after it was mapped. */
    private static final Pattern UNNAMED = Pattern.compile("#[0-9]+ \\(deleted\\)");

    private ProcMaps() {
    }

    /** The lines of {@code /proc/self/maps} that map a file under {@code dir}, deleted or not. */
    static List<String> under(Path dir) {
        String prefix = dir.toAbsolutePath().normalize() + "/";
        try {
            return Files.readAllLines(MAPS).stream().filter(line -> line.contains(prefix)).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + MAPS, e);
        }
    }

    /**
     * The lines of {@code /proc/self/maps} that map an object's file or a temporary file of {@code root}: by name, or
     * as {@code #<inode> (deleted)}, the name the kernel shows for a file made unnamed ({@code O_TMPFILE}) and mapped
     * before its link, as a creator maps its new object, and for the views made from such a mapping.
     */
    static List<String> objectsUnder(Path root) {
        String prefix = root.toAbsolutePath().normalize() + "/";
        return under(root).stream().filter(line -> {
            String file = line.substring(line.indexOf(prefix) + prefix.length());
            return RootDir.isObjectFile(file) || UNNAMED.matcher(file).matches();
        }).toList();
    }
}
