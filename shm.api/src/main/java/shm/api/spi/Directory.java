package shm.api.spi;

import java.util.OptionalLong;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A system-wide directory of names bound to numbers (for example descriptor numbers), shared by every process of the
 * backend: the mechanism behind object directories such as INtime's catalog. Names are bound within a scope; one
 * name is bound at most once per scope. A binding is owned by the process that made it and removed when that process
 * dies. Implemented by backends; thread-safe.
 */
@ProviderType
public interface Directory {

    /** The longest name, in UTF-8 bytes, that a binding can have. */
    int MAX_NAME_BYTES = 320;

    /**
     * Binds {@code name} in {@code scope} to {@code value}.
     *
     * @throws shm.api.ShmException WRONG_STATE when the name is already bound in the scope, LIMIT when the directory
     *                              is full, INVALID_NAME when the name is empty or too long, CLOSED
     */
    void bind(String scope, String name, long value);

    /** The value bound to {@code name} in {@code scope}; empty when none is. */
    OptionalLong lookup(String scope, String name);

    /**
     * Removes the binding of {@code name} in {@code scope}.
     *
     * @return {@code false} when the name was not bound
     */
    boolean unbind(String scope, String name);
}
