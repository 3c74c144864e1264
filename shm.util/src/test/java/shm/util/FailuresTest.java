package shm.util;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

class FailuresTest {

    @Test
    void everyItemIsTriedAndTheFirstFailureCarriesTheOthers() {
        List<Integer> tried = new ArrayList<>();
        IllegalStateException thrown = assertThrows(IllegalStateException.class,
                () -> Failures.forEach(IllegalStateException.class, List.of(1, 2, 3, 4), i -> {
                    tried.add(i);
                    if (i % 2 == 0) {
                        throw new IllegalStateException("item " + i);
                    }
                }));
        assertEquals(List.of(1, 2, 3, 4), tried);
        assertEquals("item 2", thrown.getMessage());
        assertEquals(1, thrown.getSuppressed().length);
        assertEquals("item 4", thrown.getSuppressed()[0].getMessage());
    }

    @Test
    void aFailureOfAnotherKindStopsAtOnce() {
        List<Integer> tried = new ArrayList<>();
        assertThrows(UnsupportedOperationException.class,
                () -> Failures.forEach(IllegalStateException.class, List.of(1, 2), i -> {
                    tried.add(i);
                    throw new UnsupportedOperationException();
                }));
        assertEquals(List.of(1), tried);
    }

    @Test
    void noFailureThrowsNothingAndKeepFirstNeverSuppressesAFailureInItself() {
        Failures.runAll(RuntimeException.class, List.of(() -> { }, () -> { }));
        RuntimeException only = new RuntimeException("only");
        assertSame(only, Failures.keepFirst(null, only));
        assertSame(only, Failures.keepFirst(only, only));
        assertArrayEquals(new Throwable[0], only.getSuppressed());
    }
}
