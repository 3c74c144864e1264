package shm.core;

import java.util.Comparator;
import java.util.Objects;

import shm.api.spi.ShmBackend;

/**
 * One backend the neutral service may use, with what the choice between backends needs.
 *
 * @param backend   the backend
 * @param namespace the store it serves ({@link ShmBackend#NAMESPACE_PROPERTY}); two candidates with equal namespaces
 *                  see the same objects, so a handle may move between them; a backend that publishes none gets a
 *                  namespace of its own ({@code "service:<id>"}), shared with no other backend
 * @param ranking   its {@code service.ranking}; the highest wins
 * @param order     ties: the lower wins (the service id)
 * @param origin    for the operator's log: type, bundle and version, such as
 *                  {@code "mmap (shm.provider.mmap 1.0.0.202611291900)"}
 * @param parkMillis how long the backend keeps a parked hold ({@link ShmBackend#PARK_DEADLINE_PROPERTY}); 0 when it
 *                  cannot park
 */
public record Candidate(ShmBackend backend, String namespace, int ranking, long order, String origin,
                        long parkMillis) {

    /** Best first: highest ranking, then lowest order. */
    static final Comparator<Candidate> BEST_FIRST = Comparator.comparingInt(Candidate::ranking).reversed()
            .thenComparingLong(Candidate::order);

    /** Checks that backend, namespace and origin are given. */
    public Candidate {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(origin, "origin");
    }

    /** A candidate for a plain-library service: ranking 0, its type as origin. */
    public static Candidate of(ShmBackend backend, String namespace, long parkMillis) {
        return new Candidate(backend, namespace, 0, 0, backend.type(), parkMillis);
    }

    /** The same backend with another ranking. */
    Candidate withRanking(int newRanking, long newOrder) {
        return new Candidate(backend, namespace, newRanking, newOrder, origin, parkMillis);
    }

    /** Whether a handle on {@code other} may move to this backend without copying (the same store). */
    boolean sharesStoreWith(Candidate other) {
        return namespace.equals(other.namespace);
    }

    @Override
    public String toString() {
        return origin + " [namespace " + namespace + ", ranking " + ranking + "]";
    }
}
