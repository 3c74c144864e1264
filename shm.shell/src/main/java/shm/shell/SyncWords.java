package shm.shell;

import java.util.List;
import java.util.Objects;

/**
 * The words of one {@code shm:event}, {@code shm:mutex} or {@code shm:semaphore} command: its verb, the object's name
 * and the verb's own arguments. Every rule they break fails with a {@link UsageException} that carries the command's
 * usage line.
 *
 * @param verb the first word ({@code create}, {@code wait}, ...)
 * @param name the object's name, the second word
 * @param rest the words after the name
 * @param usage the command's usage line, for the failures
 */
record SyncWords(String verb, String name, List<String> rest, String usage) {

    SyncWords {
        Objects.requireNonNull(verb, "verb");
        Objects.requireNonNull(name, "name");
        rest = List.copyOf(rest);
        Objects.requireNonNull(usage, "usage");
    }

    /** Reads a verb and a name from {@code words}; fails when either is missing or any word is unset. */
    static SyncWords of(List<String> words, String usage) {
        if (words.isEmpty()) {
            throw new UsageException("missing arguments", usage);
        }
        if (words.size() < 2 || words.get(1) == null) {
            throw new UsageException("missing the object's name", usage);
        }
        for (String word : words) {
            if (word == null) {
                throw new UsageException("an argument is empty (an unset variable?)", usage);
            }
        }
        return new SyncWords(words.get(0), words.get(1), words.subList(2, words.size()), usage);
    }

    /** Fails unless the verb takes no more words. */
    void none() {
        if (!rest.isEmpty()) {
            throw new UsageException("too many arguments", usage);
        }
    }

    /** Fails on a word that is not one of {@code allowed}; the words may come in any order. */
    void flags(String... allowed) {
        for (String word : rest) {
            if (!List.of(allowed).contains(word)) {
                throw new UsageException("unknown option " + OperatorText.quoted(word), usage);
            }
        }
    }

    /** Whether {@code flag} is among the words after the name. */
    boolean has(String flag) {
        return rest.contains(flag);
    }

    /** The wait's timeout in milliseconds: the one optional word after the name, 0 (a poll) without it. */
    long timeout() {
        if (rest.size() > 1) {
            throw new UsageException("too many arguments", usage);
        }
        return rest.isEmpty() ? 0 : number(rest.get(0));
    }

    /** {@code text} as a count ({@link ByteCounts#parseCount}), or a usage failure naming what is wrong with it. */
    long number(String text) {
        try {
            return ByteCounts.parseCount(text);
        } catch (IllegalArgumentException notANumber) {
            throw new UsageException(notANumber.getMessage(), usage);
        }
    }

    /** A usage failure of this command for {@code problem}. */
    UsageException wrong(String problem) {
        return new UsageException(problem, usage);
    }
}
