package shm.provider.mmap;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

import shm.api.MapOptions;
import shm.api.ObjectInfo;
import shm.api.ObjectType;
import shm.api.ShmException;
import shm.api.spi.BackendHandle;

/**
 * A child process for the multi-process tests: the mmap provider used as a plain library, driven by one command per
 * line on standard input, one answer line per command on standard output ({@code OK ...}, {@code ERR ...}).
 * Started by {@link ChildJvm}.
 */
public final class ChildMain {

    private final MmapBackend backend;
    private final Map<String, Deque<BackendHandle>> handles = new HashMap<>();

    /** Environment variable: the child's {@link MmapSettings#spareFiles()} (0 when unset). */
    static final String SPARE_FILES_VARIABLE = "SHM_TEST_SPARE_FILES";

    private ChildMain(Path root) {
        int spareFiles = Integer.parseInt(System.getenv().getOrDefault(SPARE_FILES_VARIABLE, "0"));
        backend = new MmapBackend(MmapSettings.under(root).withSpareFiles(spareFiles));
    }

    /** {@code ChildMain <root>}: runs commands until {@code exit} or the end of standard input. */
    public static void main(String[] args) throws Exception {
        ChildMain child = new ChildMain(Path.of(args[0]));
        System.out.println("PID " + ProcessHandle.current().pid());
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            if (line.equals("exit")) {
                break;
            }
            String answer;
            try {
                answer = child.run(line.split(" "));
            } catch (ShmException e) {
                answer = "ERR " + e.reason() + " " + e.getMessage();
            }
            System.out.println(answer);
        }
        child.backend.close();
        System.out.println("EXITED");
    }

    private String run(String[] c) throws Exception {
        return switch (c[0]) {
            case "create" -> {
                BackendHandle h = backend.createOrOpen(ObjectType.SHARED_MEMORY, c[1], Long.parseLong(c[2]),
                        MapOptions.DEFAULT);
                keep(c[1], h);
                yield "OK " + (h.alreadyExisted() ? "existed" : "created");
            }
            case "open" -> {
                keep(c[1], backend.open(ObjectType.SHARED_MEMORY, c[1], MapOptions.DEFAULT));
                yield "OK";
            }
            case "write" -> {
                handles.get(c[1]).peek().segment().setString(Long.parseLong(c[2]), c[3]);
                yield "OK";
            }
            case "read" -> "DATA " + handles.get(c[1]).peek().segment().getString(Long.parseLong(c[2]));
            case "close" -> {
                handles.get(c[1]).pop().close();
                yield "OK";
            }
            case "forget" -> "OK " + handles.get(c[1]).pop().forget();
            case "holders" -> "HOLDERS " + backend.lookup(c[1]).map(ObjectInfo::holders).map(Object::toString)
                    .orElse("none");
            case "many" -> {
                for (int i = 0; i < Integer.parseInt(c[2]); i++) {
                    keep(c[1] + i, backend.createOrOpen(ObjectType.SHARED_MEMORY, c[1] + i, 4096,
                            MapOptions.DEFAULT));
                }
                yield "OK";
            }
            case "race" -> race(c[1], Path.of(c[2]));
            case "own-mutex" -> {
                shm.api.NamedMutex mutex = backend.createOrOpenMutex(c[1], false);
                yield "OK " + mutex.acquire(java.time.Duration.ofSeconds(10));
            }
            case "wait-event" -> {
                shm.api.NamedEvent event = backend.openEvent(c[1]);
                System.out.println("WAITING");
                System.out.flush();
                yield "OK " + event.await(java.time.Duration.ofSeconds(Long.parseLong(c[2])));
            }
            case "unnamed" -> {
                BackendHandle h = backend.createUnnamed(ObjectType.SHARED_MEMORY, Long.parseLong(c[1]),
                        MapOptions.DEFAULT);
                h.segment().setString(0, c[2]);
                keep("unnamed", h);
                yield "OK " + h.ref().value();
            }
            case "descriptor" -> {
                shm.api.spi.DescriptorTable table = backend.descriptors(c[1], 100, 10);
                BackendHandle h = handles.get(c[2]).peek();
                yield "OK " + table.create(h.ref(), Long.parseLong(c[3]), Long.parseLong(c[4])).index();
            }
            case "bind" -> {
                backend.directory().bind(c[1], c[2], Long.parseLong(c[3]));
                yield "OK";
            }
            case "pooled" -> {
                backend.setPoolLimit(c[2], Long.parseLong(c[3]));
                keep(c[1], backend.createOrOpen(ObjectType.SHARED_MEMORY, c[1], Long.parseLong(c[4]),
                        MapOptions.DEFAULT, c[2]));
                yield "OK";
            }
            case "stress" -> stress(Long.parseLong(c[1]), List.of(c).subList(2, c.length));
            case "churn" -> churn();
            default -> "ERR unknown command " + c[0];
        };
    }

    private void keep(String name, BackendHandle handle) {
        handles.computeIfAbsent(name, n -> new ArrayDeque<>()).push(handle);
    }

    /** Waits for the start file, then create-or-open; the creator writes its pid into the object. */
    private String race(String name, Path startFile) {
        while (!Files.exists(startFile)) {
            LockSupport.parkNanos(50_000);
        }
        BackendHandle h = backend.createOrOpen(ObjectType.SHARED_MEMORY, name, 4096, MapOptions.DEFAULT);
        keep(name, h);
        if (!h.alreadyExisted()) {
            h.segment().setString(0, "creator=" + ProcessHandle.current().pid());
            return "OK created";
        }
        return "OK existed";
    }

    /** Random create-or-open and close on a few names for a while; closes everything at the end. */
    private String stress(long millis, List<String> names) {
        long end = System.nanoTime() + millis * 1_000_000;
        List<BackendHandle> held = new ArrayList<>();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long operations = 0;
        while (System.nanoTime() < end) {
            if (held.isEmpty() || (held.size() < 8 && random.nextBoolean())) {
                String name = names.get(random.nextInt(names.size()));
                BackendHandle h = backend.createOrOpen(ObjectType.SHARED_MEMORY, name, 4096 * (1 + random.nextInt(4)),
                        MapOptions.DEFAULT);
                h.segment().set(java.lang.foreign.ValueLayout.JAVA_LONG, 0, operations);
                held.add(h);
            } else {
                held.remove(random.nextInt(held.size())).close();
            }
            operations++;
        }
        held.forEach(BackendHandle::close);
        return "OK " + operations;
    }

    /** Creates, opens and closes objects without end, until killed. */
    private String churn() {
        System.out.println("CHURNING");
        System.out.flush();
        ThreadLocalRandom random = ThreadLocalRandom.current();
        List<BackendHandle> held = new ArrayList<>();
        while (true) {
            if (held.size() < 6 && random.nextInt(3) > 0) {
                String name = "churn-" + random.nextInt(10);
                held.add(random.nextBoolean() ? backend.createUnnamed(ObjectType.SHARED_MEMORY, 8192, MapOptions.DEFAULT)
                        : backend.createOrOpen(ObjectType.SHARED_MEMORY, name, 8192, MapOptions.DEFAULT));
            } else if (!held.isEmpty()) {
                held.remove(random.nextInt(held.size())).close();
            }
        }
    }
}
