package shm.itest;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;

import shm.api.spi.ShmBackend;

/**
 * A second backend for swap tests: a backend of its own type ({@link #TYPE}) whose every other call goes to the real
 * mmap backend, so objects moved onto it stay in the same root, with the same files and counts. It is a dynamic
 * proxy, so a method the SPI gains is relayed without a change here.
 */
final class RelayBackend {

    /** The value of {@link ShmBackend#TYPE_PROPERTY} for the relay. */
    static final String TYPE = "itest-relay";

    private RelayBackend() {
    }

    /**
     * A backend answering {@link ShmBackend#type()} with {@link #TYPE} and relaying every other call to
     * {@code target}, its exceptions unchanged.
     */
    static ShmBackend relayingTo(ShmBackend target) {
        return (ShmBackend) Proxy.newProxyInstance(RelayBackend.class.getClassLoader(),
                new Class<?>[] {ShmBackend.class}, (proxy, method, args) -> {
                    if (method.getDeclaringClass() == Object.class) {
                        return objectMethod(proxy, method, args, target);
                    }
                    if (method.getName().equals("type") && method.getParameterCount() == 0) {
                        return TYPE;
                    }
                    try {
                        return method.invoke(target, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static Object objectMethod(Object proxy, Method method, Object[] args, ShmBackend target) {
        return switch (method.getName()) {
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            default -> "relay to " + target;
        };
    }
}
