package shm.core;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Which candidate serves a neutral service after a change of its candidates: the best ({@link Candidate#BEST_FIRST}),
 * unless handles are open in other stores that a candidate still serves; then the best candidate of those stores, since
 * a move between stores would fork every object. Also which candidate is the best of each store.
 *
 * <p>Made under the service's lock from its candidates and the stores of its open handles; it does not change once
 * made.
 */
final class BackendChoice {

    /** The candidates, best first. */
    private final List<Candidate> best;
    /** The stores handles were open in when the choice was made. */
    private final Set<String> held;
    /** {@code null} when there is no candidate. */
    private final Candidate chosen;
    /** The best candidate when it was passed over for the handles' store; {@code null} when it was not. */
    private final Candidate refused;

    private BackendChoice(List<Candidate> best, Set<String> held, Candidate chosen, Candidate refused) {
        this.best = best;
        this.held = held;
        this.chosen = chosen;
        this.refused = refused;
    }

    /** Chooses among {@code candidates} for handles open in the stores {@code held}, which the choice keeps. */
    static BackendChoice among(List<Candidate> candidates, Set<String> held) {
        List<Candidate> best = candidates.stream().sorted(Candidate.BEST_FIRST).toList();
        Candidate chosen = best.isEmpty() ? null : best.getFirst();
        Candidate refused = null;
        if (chosen != null && !held.isEmpty() && !held.contains(chosen.namespace())) {
            Optional<Candidate> sameStore = best.stream().filter(c -> held.contains(c.namespace())).findFirst();
            if (sameStore.isPresent()) {
                refused = chosen;
                chosen = sameStore.get();
            }
        }
        return new BackendChoice(best, held, chosen, refused);
    }

    /** The candidate chosen to serve new calls; {@code null} when there is none. */
    Candidate chosen() {
        return chosen;
    }

    /** The best candidate serving the store {@code namespace}; {@code null} when none does. */
    Candidate bestOf(String namespace) {
        return best.stream().filter(c -> c.namespace().equals(namespace)).findFirst().orElse(null);
    }

    /** Logs at WARNING that the best candidate was passed over for the handles' store; nothing when it was not. */
    void logRefusal(System.Logger log) {
        if (refused != null) {
            log.log(System.Logger.Level.WARNING, "not switching to " + refused + ": handles are open in "
                    + held + ", another store; a move would fork their objects. Staying on " + chosen);
        }
    }
}
