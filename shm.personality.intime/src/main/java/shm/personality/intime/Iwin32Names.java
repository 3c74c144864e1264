package shm.personality.intime;

import static shm.api.intime.IntimeConstants.MAX_PATH;

import shm.api.ErrorReason;
import shm.api.ShmException;

/**
 * The name rule every iwin32 create and open shares (shared memory, events, mutexes, semaphores): at most
 * {@code MAX_PATH} characters, any character but the backslash, case-sensitive; {@code null} is "no name". An empty
 * name and a NUL are refused, since "" is not NULL and a NUL would end the C string early.
 */
final class Iwin32Names {

    private Iwin32Names() {
    }

    /**
     * Checks a name ({@code null} passes: an unnamed object).
     *
     * @throws ShmException INVALID_NAME (ERROR_INVALID_PARAMETER) naming the broken rule
     */
    static void check(String name) {
        if (name == null) {
            return;
        }
        if (name.isEmpty()) {
            throw bad(name, "an empty name is not a name; pass NULL for an unnamed object");
        }
        if (name.indexOf('\\') >= 0) {
            throw bad(name, "a name can contain any character except the backslash path-separator character (\\)");
        }
        if (name.indexOf('\0') >= 0) {
            throw bad(name, "a name must not contain NUL: the C string would end there");
        }
        if (name.length() > MAX_PATH) {
            throw bad(name, "a name is limited to MAX_PATH (" + MAX_PATH + ") characters, this one has "
                    + name.length());
        }
    }

    /**
     * Checks the name of an open, which needs one.
     *
     * @throws ShmException INVALID_PARAMETER (ERROR_INVALID_PARAMETER) for {@code null}; as {@link #check(String)}
     */
    static void checkOpen(String name, String call) {
        if (name == null) {
            throw IntimeErrors.win32(ErrorReason.INVALID_PARAMETER, null, call + " needs a name");
        }
        check(name);
    }

    private static ShmException bad(String name, String rule) {
        return IntimeErrors.win32(ErrorReason.INVALID_NAME, name, rule);
    }
}
