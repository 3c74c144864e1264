package shm.personality.ntx;

import java.util.Objects;
import java.util.Set;

/**
 * One NTX "Windows process" as configured.
 *
 * @param hostNode    the INtime node this Windows host runs beside: memory whose GDT descriptor records this node
 *                    can be mapped (the node is what the RT side passed to
 *                    {@link shm.api.spi.DescriptorTable#create(shm.api.spi.ObjectRef, long, long, long)}; 0 by default)
 * @param sharedNodes further nodes that share memory with this host (other INtime nodes on the same machine); memory
 *                    on any other node fails with {@code E_LOCATION}
 * @param strictCache {@code false} (default): a cache hit is returned without asking the GDT, as NTX does, so a
 *                    handle value deleted or reused on the RT side while still mapped here returns the stale mapping;
 *                    {@code true}: every hit is checked against the GDT and a stale one is refused
 */
public record NtxSettings(long hostNode, Set<Long> sharedNodes, boolean strictCache) {

    /** Copies the node set, which must be present. */
    public NtxSettings {
        sharedNodes = Set.copyOf(Objects.requireNonNull(sharedNodes, "sharedNodes"));
    }

    /** Node 0, no other node sharing memory with this host, the cache as NTX keeps it (not strict). */
    public static NtxSettings defaults() {
        return new NtxSettings(0, Set.of(), false);
    }

    /** Whether memory on {@code node} can be mapped from this host. */
    public boolean sharesMemoryWith(long node) {
        return node == hostNode || sharedNodes.contains(node);
    }

    /** A copy with another host node. */
    public NtxSettings withHostNode(long node) {
        return new NtxSettings(node, sharedNodes, strictCache);
    }

    /** A copy with another set of nodes sharing memory with this host. */
    public NtxSettings withSharedNodes(Set<Long> nodes) {
        return new NtxSettings(hostNode, nodes, strictCache);
    }

    /** A copy that checks cache hits against the GDT, or does not. */
    public NtxSettings withStrictCache(boolean strict) {
        return new NtxSettings(hostNode, sharedNodes, strict);
    }
}
