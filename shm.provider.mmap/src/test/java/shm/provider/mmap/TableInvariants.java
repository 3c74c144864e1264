package shm.provider.mmap;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** Checks that a root's table and files agree; used after crashes, kills and stress. */
final class TableInvariants {

    private TableInvariants() {
    }

    /**
     * The broken rules, empty when the store is consistent: no journal or intent is left after recovery, every live
     * object has its file, a positive handle count equal to the sum of its holders, holders that are registered
     * processes, and every object file in the root belongs to a live object.
     */
    static List<String> violations(MmapBackend backend) {
        ObjectTable table = backend.table();
        Path root = backend.settings().root();
        return table.locked(() -> {
            List<String> broken = new ArrayList<>();
            if (table.journalCount() != 0) {
                broken.add("journal holds " + table.journalCount() + " entries");
            }
            if (table.pendingIntents() != 0) {
                broken.add(table.pendingIntents() + " intents pending");
            }
            Set<Long> processes = new HashSet<>(table.registeredProcesses());
            Set<String> files = new HashSet<>();
            for (TableEntry entry : table.objects().liveEntries()) {
                files.add(entry.fileName());
                if (!Files.isRegularFile(root.resolve(entry.fileName()))) {
                    broken.add(entry.fileName() + " is live but has no file");
                }
                long sum = entry.holders().stream().mapToLong(TableEntry.Holder::handles).sum();
                if (entry.handles() < 1 || entry.handles() != sum) {
                    broken.add(entry.fileName() + " counts " + entry.handles() + " handles, holders hold " + sum);
                }
                entry.holders().stream().filter(h -> !processes.contains(h.pid()))
                        .forEach(h -> broken.add(entry.fileName() + " is held by unregistered pid " + h.pid()));
            }
            try (Stream<Path> list = Files.list(root)) {
                list.map(p -> p.getFileName().toString())
                        .filter(n -> n.startsWith("n.") || n.startsWith("h.") || n.startsWith("u."))
                        .filter(n -> !files.contains(n))
                        .forEach(n -> broken.add(n + " is in the root but not live in the table"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return broken;
        });
    }
}
