package shm.shell;

import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Whether {@code shm:use <type>} may pin the neutral service to backends of one type: a type that no registered
 * backend has would leave the service with no backend at all, and a type whose backends serve other stores than the
 * ones the service is bound to now would leave the handles it holds there with no backend; in both cases those handles
 * would be parked and, at the park deadline, released (an object whose last hold that was is destroyed). The first is
 * refused; the second needs the operator's {@code --force}.
 *
 * <p>Decided from plain values (what the service registry and the Service Component Runtime say), so that the rules
 * are tested without a framework.
 */
final class BackendUse {

    /**
     * A registered backend as the rules see it.
     *
     * @param serviceId   its {@code service.id}
     * @param type        its {@code shm.backend.type}
     * @param namespace   its {@code shm.backend.namespace}: the store it serves
     * @param parkSeconds how long it parks a hold whose handle lost its backend; 0 when it cannot park
     */
    record Backend(long serviceId, String type, String namespace, long parkSeconds) {

        /** Checks that type and namespace are given. */
        Backend {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(namespace, "namespace");
        }
    }

    private BackendUse() {
    }

    /**
     * The one line that refuses pinning the neutral service to {@code type}, or {@code null} when it may go ahead.
     *
     * @param type          the backend type asked for, or {@code *} for any
     * @param force         whether the operator accepts that handles in stores the type does not serve are parked
     * @param registered    every registered backend
     * @param neutralBound  the service ids of the backends the neutral service's instances are bound to now
     */
    static String refusal(String type, boolean force, List<Backend> registered, Set<Long> neutralBound) {
        if (type.equals("*")) {
            return null;
        }
        List<Backend> ofType = registered.stream().filter(b -> b.type().equals(type)).toList();
        if (ofType.isEmpty()) {
            String types = registered.stream().map(Backend::type).collect(Collectors.toCollection(TreeSet::new))
                    .stream().map(OperatorText::quoted).collect(Collectors.joining(", "));
            return "no backend of type " + OperatorText.quoted(type) + " is registered ("
                    + (types.isEmpty() ? "none is" : "registered: " + types) + "); the neutral service's binding is"
                    + " unchanged (shm:backends lists the backends)";
        }
        if (force) {
            return null;
        }
        Set<String> served = ofType.stream().map(Backend::namespace).collect(Collectors.toSet());
        List<Backend> left = registered.stream()
                .filter(b -> neutralBound.contains(b.serviceId()) && !served.contains(b.namespace())).toList();
        if (left.isEmpty()) {
            return null;
        }
        String stores = left.stream().map(Backend::namespace).distinct().collect(Collectors.joining(", "));
        long park = left.stream().mapToLong(Backend::parkSeconds).min().orElse(0);
        return "no backend of type " + OperatorText.quoted(type) + " serves " + stores + ", where the neutral service"
                + " is bound now: any handles it holds there would be parked and "
                + (park > 0 ? "released after " + park + " s" : "released at once")
                + "; close them first, or repeat with --force (shm:backends lists the bindings)";
    }
}
