package shm.api.spi;

import java.util.List;
import java.util.Objects;

/**
 * What a {@link StoreCheck} found and did.
 *
 * @param store    the store, as an operator knows it (a root directory)
 * @param findings one line per problem found, each naming the file or table field and the rule it breaks; empty when
 *                 the store is consistent
 * @param repairs  one line per change made; empty when only checked or nothing needed repair
 * @since 1.2
 */
public record StoreReport(String store, List<String> findings, List<String> repairs) {

    /** Copies the lists. */
    public StoreReport {
        Objects.requireNonNull(store, "store");
        findings = List.copyOf(findings);
        repairs = List.copyOf(repairs);
    }

    /** Whether nothing was found wrong. */
    public boolean consistent() {
        return findings.isEmpty();
    }
}
