package shm.api;

import java.util.Objects;
import java.util.Optional;

/**
 * The one exception type of the platform: a vendor-neutral {@link ErrorReason}, the name of the object concerned
 * and, where a vendor personality raised it, the vendor's exact number.
 *
 * <p>The message always names the object (or says it is unnamed) and the rule that was broken, so that it can be
 * shown to an operator as it is. When this exception is thrown, nothing was created, mapped or changed by the
 * failed call.
 */
public class ShmException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final ErrorReason reason;
    private final String objectName;
    private final String rule;
    private final transient VendorError vendorError;

    /**
     * A failure without a vendor number.
     *
     * @param reason     the neutral reason
     * @param objectName the object concerned, or {@code null} for an unnamed object or none
     * @param rule       the rule that was broken, in words an operator understands
     */
    public ShmException(ErrorReason reason, String objectName, String rule) {
        this(reason, objectName, rule, null, null);
    }

    /**
     * A failure with all details.
     *
     * @param reason      the neutral reason
     * @param objectName  the object concerned, or {@code null} for an unnamed object or none
     * @param rule        the rule that was broken
     * @param vendorError the vendor's number, or {@code null} where no personality is involved
     * @param cause       the underlying failure, or {@code null}
     */
    public ShmException(ErrorReason reason, String objectName, String rule, VendorError vendorError, Throwable cause) {
        super(message(reason, objectName, rule, vendorError), cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.objectName = objectName;
        this.rule = rule;
        this.vendorError = vendorError;
    }

    private ShmException(ErrorReason reason, String rule, Throwable cause, String message) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.objectName = null;
        this.rule = rule;
        this.vendorError = null;
    }

    /**
     * A failure of a store as a whole (a backend's root directory or its shared tables), not of one object: the
     * message names the store instead of an object, and {@link #objectName()} is empty.
     *
     * @param reason the neutral reason
     * @param store  the store concerned, as an operator knows it (a root directory)
     * @param rule   the rule that was broken
     * @param cause  the underlying failure, or {@code null}
     * @return the exception, to be thrown by the caller
     * @since 1.1
     */
    public static ShmException ofStore(ErrorReason reason, String store, String rule, Throwable cause) {
        return new ShmException(reason, rule, cause, "store " + printable(Objects.requireNonNull(store, "store"))
                + ": " + Objects.requireNonNull(rule, "rule") + " (" + reason + ")");
    }

    private static String message(ErrorReason reason, String objectName, String rule, VendorError vendorError) {
        String object = objectName == null ? "unnamed object" : "'" + printable(objectName) + "'";
        String vendor = vendorError == null ? "" : " [" + vendorError + "]";
        return object + ": " + Objects.requireNonNull(rule, "rule") + " (" + reason + ")" + vendor;
    }

    /** Names may hold control characters; messages must stay one readable line. */
    private static String printable(String name) {
        StringBuilder out = new StringBuilder(Math.min(name.length(), 200));
        name.codePoints().limit(200).forEach(c -> {
            if (Character.isISOControl(c)) {
                out.append(String.format("\\u%04X", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        if (name.codePointCount(0, name.length()) > 200) {
            out.append("...");
        }
        return out.toString();
    }

    /** The vendor-neutral reason; never {@code null}. */
    public ErrorReason reason() {
        return reason;
    }

    /** The object concerned; empty for unnamed objects and failures that concern no object. */
    public Optional<String> objectName() {
        return Optional.ofNullable(objectName);
    }

    /** The rule that was broken, as given to the constructor (the message without object, reason and number). */
    public String rule() {
        return rule;
    }

    /** The vendor's exact number where a personality raised this exception; empty otherwise. */
    public Optional<VendorError> vendorError() {
        return Optional.ofNullable(vendorError);
    }
}
