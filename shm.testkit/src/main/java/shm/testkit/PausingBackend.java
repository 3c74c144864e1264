package shm.testkit;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import shm.api.spi.ShmBackend;

/**
 * A real backend that stops one chosen call until the test lets it go on: for what a personality does while a call of
 * its own is half done inside the backend (a move reopening handles, a call holding the personality's lock). Every
 * call goes to the real backend, with its exceptions unchanged; the chosen one first counts {@code reached} down and
 * waits for {@code goOn}. A dynamic proxy, so a method the SPI gains is relayed without a change here.
 */
public final class PausingBackend {

    private PausingBackend() {
    }

    /**
     * {@code backend}, except that its {@code nth} call (from 1) of a method whose name starts with {@code method}
     * ({@code "openEvent"}: {@code openEvent} and {@code openEventByRef}) counts {@code reached} down and waits for
     * {@code goOn} before it goes on.
     */
    public static ShmBackend pausingAt(ShmBackend backend, String method, int nth, CountDownLatch reached,
                                       CountDownLatch goOn) {
        AtomicInteger calls = new AtomicInteger();
        return (ShmBackend) Proxy.newProxyInstance(PausingBackend.class.getClassLoader(),
                new Class<?>[] {ShmBackend.class}, (proxy, called, args) -> {
                    if (called.getDeclaringClass() == Object.class) {
                        return objectMethod(proxy, called, args, backend);
                    }
                    if (called.getName().startsWith(method) && calls.incrementAndGet() == nth) {
                        reached.countDown();
                        goOn.await();
                    }
                    try {
                        return called.invoke(backend, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    private static Object objectMethod(Object proxy, Method method, Object[] args, ShmBackend backend) {
        return switch (method.getName()) {
            case "equals" -> proxy == args[0];
            case "hashCode" -> System.identityHashCode(proxy);
            default -> "pausing " + backend;
        };
    }
}
