package shm.provider.win32;

/**
 * A vendor library cannot be used: it is not there, or it lacks an entry point the backend binds. The message is one
 * line naming the library and, where one is missing, the symbol.
 */
public final class LibraryUnavailableException extends Exception {

    private static final long serialVersionUID = 1L;

    private final String library;
    private final String symbol;

    /**
     * @param library the configured library name or path
     * @param symbol  the missing entry point, or {@code null} when the library itself could not be loaded
     * @param detail  what went wrong, in words
     */
    public LibraryUnavailableException(String library, String symbol, String detail) {
        super(symbol == null ? "library '" + library + "' cannot be loaded: " + detail
                : "library '" + library + "' has no entry point '" + symbol + "': " + detail);
        this.library = library;
        this.symbol = symbol;
    }

    /** The configured library name or path. */
    public String library() {
        return library;
    }

    /** The missing entry point; {@code null} when the library itself could not be loaded. */
    public String symbol() {
        return symbol;
    }
}
