package shm.provider.mmap;

import static shm.provider.mmap.TableLayout.*;

import java.lang.foreign.ValueLayout;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The slot-level part of {@link StoreRepair}, for a table whose header is sane: the journal, the process slots, the
 * object slots (state, file name, hash, type, sizes, pool, holders, the file itself), the descriptors and directory
 * entries, then every counter recomputed from the slots. Each change is a journaled transaction of its own.
 */
final class TableSlotRepair {

    private final TableWords w;
    private final boolean repair;
    private final StoreRoot root;
    private final List<String> findings;
    private final List<String> repairs;
    /** Object slots found unusable (dropped when repairing): left out of every count. */
    private final Set<Integer> bad = new HashSet<>();

    /** Reports into {@code findings}, and with {@code repair} changes the table and reports into {@code repairs}. */
    TableSlotRepair(TableWords w, boolean repair, StoreRoot root, List<String> findings, List<String> repairs) {
        this.w = w;
        this.repair = repair;
        this.root = root;
        this.findings = findings;
        this.repairs = repairs;
    }

    /** Checks (and repairs) every slot; returns the file names of the live objects. */
    Set<String> run() {
        journal();
        Set<Integer> liveProcesses = processes();
        Set<String> liveFiles = objects(liveProcesses);
        descriptors(liveProcesses);
        directory(liveProcesses);
        counters(liveProcesses);
        return liveFiles;
    }

    private void fix(String finding, String done, Runnable change) {
        findings.add(finding);
        if (repair) {
            w.transaction(change);
            repairs.add(done);
        }
    }

    private void journal() {
        long count = w.header(JOURNAL_COUNT_OFFSET);
        if (count == 0) {
            return;
        }
        findings.add("the journal holds " + count + " entries of a writer that died");
        if (!repair) {
            return;
        }
        try {
            w.rollback();
            repairs.add("rolled the journal back");
        } catch (CorruptTableException e) {
            w.table.set(ValueLayout.JAVA_LONG_UNALIGNED, JOURNAL_COUNT_OFFSET, 0L);
            repairs.add("emptied the journal, which could not be rolled back: " + e.getMessage());
        }
    }

    private Set<Integer> processes() {
        Set<Integer> live = new HashSet<>();
        for (int p = 0; p < w.processCapacity; p++) {
            long state = w.processWord(p, PROCESS_STATE);
            long pid = w.processWord(p, PROCESS_PID);
            int slot = p;
            if (state == PROCESS_FREE) {
                continue;
            }
            if (state != PROCESS_LIVE || pid <= 0 || pid > Integer.MAX_VALUE) {
                fix("process slot " + p + " holds state " + state + " and pid " + pid,
                        "freed process slot " + p, () -> w.putProcess(slot, PROCESS_STATE, PROCESS_FREE));
                continue;
            }
            live.add(p);
        }
        return live;
    }

    private Set<String> objects(Set<Integer> liveProcesses) {
        Set<String> liveFiles = new HashSet<>();
        for (int slot = 0; slot < w.objectCapacity; slot++) {
            long state = w.objectWord(slot, OBJECT_STATE);
            if (state == EMPTY || state == TOMBSTONE) {
                continue;
            }
            String problem = slotProblem(slot, state, liveProcesses);
            int s = slot;
            if (problem != null) {
                bad.add(slot);
                fix("object slot " + slot + ": " + problem, "dropped object slot " + slot + " (any file it"
                        + " named was kept)", () -> drop(s));
            } else if (state == LIVE) {
                liveFiles.add(w.fileNameAt(slot));
            }
        }
        return liveFiles;
    }

    private String slotProblem(int slot, long state, Set<Integer> liveProcesses) {
        if (state != CREATING && state != LIVE && state != DESTROYING) {
            return "state " + state + " is none this layout writes";
        }
        String fileName;
        try {
            fileName = w.fileNameAt(slot);
        } catch (CorruptTableException e) {
            return e.getMessage();
        }
        if (w.objectWord(slot, OBJECT_HASH) != TableLayout.hash(fileName)) {
            return "the hash does not match its file name " + fileName;
        }
        long type = w.objectWord(slot, OBJECT_TYPE);
        long reserved = w.objectWord(slot, OBJECT_RESERVED_SIZE);
        long logical = w.objectWord(slot, OBJECT_LOGICAL_SIZE);
        long pool = w.objectWord(slot, OBJECT_POOL);
        if (type < 1 || type > 4 || reserved < 1 || reserved > ObjectHeader.MAX_SIZE || logical < 1
                || logical > reserved || pool < 0 || pool > MAX_POOLS) {
            return "type " + type + ", sizes " + reserved + "/" + logical + " or pool " + pool + " impossible";
        }
        for (int h = 0; h < HOLDERS_PER_OBJECT; h++) {
            long process = w.holderWord(slot, h, HOLDER_PROCESS);
            long handles = w.holderWord(slot, h, HOLDER_HANDLES);
            if (process == 0 ? handles != 0
                    : !liveProcesses.contains((int) Math.min(process - 1, Integer.MAX_VALUE)) || handles < 1) {
                return "holder " + h + " names process slot " + (process - 1) + " with " + handles + " handles";
            }
        }
        if (state == LIVE) {
            try {
                FileStat stat = root.stat(fileName);
                if (stat == null || !stat.isRegularFile()) {
                    return "its file " + fileName + " is gone or not a regular file";
                }
                long inode = w.objectWord(slot, OBJECT_INODE);
                if (inode != 0 && stat.inode() != inode) {
                    return "its file " + fileName + " is not the one recorded (inode " + stat.inode()
                            + ", recorded " + inode + ")";
                }
            } catch (LibC.Failure f) {
                return "its file " + fileName + " cannot be looked at: " + f.getMessage();
            }
        }
        return null;
    }

    /** Drops a slot: no holders, no pool, a tombstone. Never touches a file. */
    private void drop(int slot) {
        for (int h = 0; h < HOLDERS_PER_OBJECT; h++) {
            w.putHolder(slot, h, HOLDER_PROCESS, 0);
            w.putHolder(slot, h, HOLDER_HANDLES, 0);
        }
        w.putObject(slot, OBJECT_HANDLES, 0);
        w.putObject(slot, OBJECT_POOL, 0);
        w.putObject(slot, OBJECT_INODE, 0);
        w.putObject(slot, OBJECT_STATE, TOMBSTONE);
    }

    private void descriptors(Set<Integer> liveProcesses) {
        for (int d = 0; d < w.descriptorSlots; d++) {
            long state = w.descriptorWord(d, DESCRIPTOR_STATE);
            if (state == 0) {
                continue;
            }
            long t = w.descriptorWord(d, DESCRIPTOR_TABLE) - 1;
            long owner = w.descriptorWord(d, DESCRIPTOR_OWNER);
            long object = w.descriptorWord(d, DESCRIPTOR_OBJECT);
            boolean sane = state == 1 && t >= 0 && t < MAX_DESCRIPTOR_TABLES
                    && liveProcesses.contains((int) Math.max(-1, Math.min(owner, Integer.MAX_VALUE)))
                    && object >= 0 && object < w.objectCapacity;
            int slot = d;
            if (!sane) {
                fix("descriptor slot " + d + " holds state " + state + ", table " + t + ", owner " + owner
                        + ", object " + object, "freed descriptor slot " + d,
                        () -> w.putDescriptor(slot, DESCRIPTOR_STATE, 0));
            }
        }
    }

    private void directory(Set<Integer> liveProcesses) {
        for (int e = 0; e < w.directoryCapacity; e++) {
            long state = w.directoryWord(e, DIRECTORY_STATE);
            if (state == 0) {
                continue;
            }
            long owner = w.directoryWord(e, DIRECTORY_OWNER);
            long scopeLength = w.directoryWord(e, DIRECTORY_SCOPE_LENGTH);
            long nameLength = w.directoryWord(e, DIRECTORY_NAME_LENGTH);
            boolean sane = state == 1 && liveProcesses.contains((int) Math.max(-1, Math.min(owner,
                    Integer.MAX_VALUE))) && scopeLength >= 0 && scopeLength <= DIRECTORY_SCOPE_BYTES
                    && nameLength >= 1 && nameLength <= DIRECTORY_NAME_BYTES;
            int entry = e;
            if (!sane) {
                fix("directory entry " + e + " holds state " + state + ", owner " + owner + ", lengths "
                        + scopeLength + "/" + nameLength, "freed directory entry " + e,
                        () -> w.putDirectory(entry, DIRECTORY_STATE, 0));
            }
        }
    }

    /** Recomputes every counter from the slots. */
    private void counters(Set<Integer> liveProcesses) {
        long live = 0;
        long pending = 0;
        long[] processHandles = new long[(int) w.processCapacity];
        long[] poolUse = new long[MAX_POOLS];
        for (int slot = 0; slot < w.objectCapacity; slot++) {
            long state = w.objectWord(slot, OBJECT_STATE);
            if (bad.contains(slot)) {
                continue;
            }
            if (state == LIVE) {
                live++;
            } else if (state == CREATING || state == DESTROYING) {
                pending++;
            } else {
                continue;
            }
            long sum = 0;
            for (int h = 0; h < HOLDERS_PER_OBJECT; h++) {
                long process = w.holderWord(slot, h, HOLDER_PROCESS);
                if (process != 0) {
                    sum += w.holderWord(slot, h, HOLDER_HANDLES);
                    processHandles[(int) process - 1] += w.holderWord(slot, h, HOLDER_HANDLES);
                }
            }
            int s = slot;
            if (state == LIVE && sum == 0) {
                fix("object slot " + slot + " is live without any holder", "dropped object slot " + slot
                        + " (its file was kept)", () -> drop(s));
                live--;
                continue;
            }
            long pool = w.objectWord(slot, OBJECT_POOL);
            if (pool > 0) {
                poolUse[(int) pool - 1] += w.objectWord(slot, OBJECT_RESERVED_SIZE);
            }
            long handles = sum;
            if (state == LIVE && w.objectWord(slot, OBJECT_HANDLES) != sum) {
                fix("object slot " + slot + " counts " + w.objectWord(slot, OBJECT_HANDLES)
                        + " handles, its holders hold " + sum, "set the handle count of object slot " + slot
                        + " to " + sum, () -> w.putObject(s, OBJECT_HANDLES, handles));
            }
        }
        counter("live objects", LIVE_OBJECTS_OFFSET, live);
        counter("pending intents", PENDING_INTENTS_OFFSET, pending);
        for (int p : liveProcesses) {
            long handles = processHandles[p];
            if (w.processWord(p, PROCESS_HANDLES) != handles) {
                fix("process slot " + p + " counts " + w.processWord(p, PROCESS_HANDLES) + " handles, the"
                        + " objects list " + handles, "set the handle count of process slot " + p + " to "
                        + handles, () -> w.putProcess(p, PROCESS_HANDLES, handles));
            }
        }
        for (int i = 0; i < MAX_POOLS; i++) {
            int pool = i;
            long used = poolUse[i];
            if (w.poolWord(i, POOL_USED) != used) {
                fix("pool " + i + " counts " + w.poolWord(i, POOL_USED) + " bytes used, its objects reserve "
                        + used, "set the use of pool " + i + " to " + used, () -> w.putPool(pool, POOL_USED, used));
            }
        }
        descriptorCounters(liveProcesses);
    }

    private void descriptorCounters(Set<Integer> liveProcesses) {
        long[] used = new long[MAX_DESCRIPTOR_TABLES];
        long[][] held = new long[(int) w.processCapacity][MAX_DESCRIPTOR_TABLES];
        for (int d = 0; d < w.descriptorSlots; d++) {
            long t = w.descriptorWord(d, DESCRIPTOR_TABLE) - 1;
            long owner = w.descriptorWord(d, DESCRIPTOR_OWNER);
            if (w.descriptorWord(d, DESCRIPTOR_STATE) == 1 && t >= 0 && t < MAX_DESCRIPTOR_TABLES
                    && liveProcesses.contains((int) Math.max(-1, Math.min(owner, Integer.MAX_VALUE)))) {
                used[(int) t]++;
                held[(int) owner][(int) t]++;
            }
        }
        for (int t = 0; t < MAX_DESCRIPTOR_TABLES; t++) {
            int table = t;
            long count = used[t];
            if (w.descriptorTableWord(t, DESCRIPTOR_TABLE_USED) != count) {
                fix("descriptor table " + t + " counts " + w.descriptorTableWord(t, DESCRIPTOR_TABLE_USED)
                        + " used, its slots hold " + count, "set the use of descriptor table " + t + " to "
                        + count, () -> w.putDescriptorTable(table, DESCRIPTOR_TABLE_USED, count));
            }
            for (int p : liveProcesses) {
                long count2 = held[p][t];
                long field = PROCESS_DESCRIPTORS + t * (long) WORD_BYTES;
                if (w.processWord(p, field) != count2) {
                    fix("process slot " + p + " counts " + w.processWord(p, field) + " descriptors of table "
                            + t + ", it owns " + count2, "set the descriptor count of process slot " + p
                            + " in table " + t + " to " + count2, () -> w.putProcess(p, field, count2));
                }
            }
        }
    }

    private void counter(String what, long offset, long value) {
        if (w.header(offset) != value) {
            fix("the header counts " + w.header(offset) + " " + what + ", the slots hold " + value,
                    "set the " + what + " to " + value, () -> w.put(offset, value));
        }
    }
}
