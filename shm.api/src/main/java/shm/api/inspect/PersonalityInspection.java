package shm.api.inspect;

import java.util.List;

import org.osgi.annotation.versioning.ProviderType;

/**
 * One personality instance's state as tables, for operators: a personality registers this service beside its
 * vendor API, with the same service properties (so {@code service.pid} names the instance). Looking changes nothing;
 * every table is a snapshot taken when it is asked for.
 */
@ProviderType
public interface PersonalityInspection {

    /** The personality's name as operators know it: {@code RTX}, {@code INtime}, {@code NTX}. */
    String personalityName();

    /** The names of the tables this instance shows, for example {@code handles}; never empty. */
    List<String> tables();

    /**
     * One table now.
     *
     * @param name one of {@link #tables()}
     * @throws IllegalArgumentException for a name not in {@link #tables()}
     */
    InspectionTable table(String name);
}
