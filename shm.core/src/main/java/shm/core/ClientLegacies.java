package shm.core;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import org.osgi.service.component.annotations.Component;

/**
 * What the handles of a client bundle left parked when the client stopped (its update, stop or refresh), for the
 * client's next activation: when it opens one of those names again through its new instance of the neutral service,
 * that open takes back the hold its previous revision parked ({@link shm.api.spi.ShmBackend#reclaiming}) instead of
 * adding one, so the object's life ends with the new revision's last close, not at the park deadline. Any other
 * client's open of the same name adds a hold of its own. A record that outlives its park deadline is dropped: the
 * store has released that hold meanwhile.
 *
 * <p>One instance per revision of {@code shm.core}, shared by the service instances of every client. Thread-safe.
 */
@Component(service = ClientLegacies.class)
public final class ClientLegacies {

    /** One parked handle of a client: the store it lives in, its object's name, until when its hold is parked. */
    record Left(String namespace, String name, long deadlineNanos) {
    }

    /** Guarded by {@code this}; keyed by the client's bundle id, which its update and refresh keep. */
    private final Map<Long, List<Left>> byClient = new HashMap<>();

    /** Records that a handle of client {@code clientId} to {@code name} in {@code namespace} was parked. */
    synchronized void leave(long clientId, String namespace, String name, long deadlineNanos) {
        byClient.computeIfAbsent(clientId, id -> new ArrayList<>()).add(new Left(namespace, name, deadlineNanos));
    }

    /**
     * Whether client {@code clientId} left a parked handle to {@code name} in {@code namespace} whose deadline has not
     * passed; if so, the record is used up (one open takes back one hold).
     */
    synchronized boolean claim(long clientId, String namespace, String name) {
        List<Left> left = byClient.get(clientId);
        if (left == null) {
            return false;
        }
        long now = System.nanoTime();
        boolean claimed = false;
        for (Iterator<Left> it = left.iterator(); it.hasNext(); ) {
            Left l = it.next();
            if (now - l.deadlineNanos() >= 0) {
                it.remove();
            } else if (!claimed && l.namespace().equals(namespace) && l.name().equals(name)) {
                it.remove();
                claimed = true;
            }
        }
        if (left.isEmpty()) {
            byClient.remove(clientId);
        }
        return claimed;
    }

    /** How many parked handles client {@code clientId} left that were not claimed yet (expired ones included). */
    synchronized int leftBy(long clientId) {
        return byClient.getOrDefault(clientId, List.of()).size();
    }
}
