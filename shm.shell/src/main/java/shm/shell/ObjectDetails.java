package shm.shell;

import shm.api.ObjectInfo;

/**
 * Formats one object for {@code shm:info}: a label and a value per line, the labels padded to one width.
 *
 * <pre>
 * name          demo
 * type          SHARED_MEMORY
 * size          4096 bytes
 * logical size  4096 bytes
 * holders       4711 (java) x1 (1 handle in all processes)
 * this shell    1 handle
 * </pre>
 */
final class ObjectDetails {

    private ObjectDetails() {
    }

    /**
     * The details of {@code object}.
     *
     * @param object         the snapshot to show
     * @param handlesInShell how many handles of the object this shell holds
     */
    static String format(ObjectInfo object, int handlesInShell) {
        return format(object, handlesInShell, ProcessNames::of);
    }

    /** The details of {@code object}, naming holder processes with {@code names}. */
    static String format(ObjectInfo object, int handlesInShell, java.util.function.LongFunction<String> names) {
        String name = object.name() == null ? "(unnamed)" : OperatorText.printable(object.name());
        String holders = ObjectListing.holders(object.holders(), names);
        if (!object.holders().isEmpty()) {
            holders += " (" + OperatorText.counted(object.handleCount(), "handle") + " in all processes)";
        }
        String details = String.join("\n",
                "name          " + name,
                "type          " + object.type().name(),
                "size          " + OperatorText.counted(object.reservedSize(), "byte"),
                "logical size  " + OperatorText.counted(object.logicalSize(), "byte"),
                "holders       " + holders,
                "this shell    " + OperatorText.counted(handlesInShell, "handle"));
        String state = OperatorText.state(object.objectState());
        return state.isEmpty() ? details : details + "\nstate         " + state;
    }
}
