package shm.core;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import shm.provider.mmap.MmapBackend;
import shm.provider.mmap.MmapSettings;
import shm.testkit.TmpfsDirectory;

/** Which candidate serves after a change of candidates, over real mmap backends of two stores. */
class BackendChoiceTest {

    @RegisterExtension
    final TmpfsDirectory base = new TmpfsDirectory("shm-core-choice");
    private MmapBackend one;
    private MmapBackend two;
    private MmapBackend three;
    private Candidate storeA;
    private Candidate betterStoreA;
    private Candidate bestStoreB;

    @BeforeEach
    void setUp() {
        one = new MmapBackend(MmapSettings.under(base.path().resolve("a")));
        two = new MmapBackend(MmapSettings.under(base.path().resolve("a")));
        three = new MmapBackend(MmapSettings.under(base.path().resolve("b")));
        storeA = new Candidate(one, "A", 0, 1, "a1", 0);
        betterStoreA = new Candidate(two, "A", 5, 2, "a2", 0);
        bestStoreB = new Candidate(three, "B", 10, 3, "b", 0);
    }

    @AfterEach
    void tearDown() {
        one.close();
        two.close();
        three.close();
    }

    @Test
    void withNoHandleOpenTheBestCandidateServes() {
        BackendChoice choice = BackendChoice.among(List.of(storeA, bestStoreB, betterStoreA), Set.of());
        assertSame(bestStoreB, choice.chosen());
        assertSame(betterStoreA, choice.bestOf("A"), "the highest ranking of the store");
        assertNull(choice.bestOf("C"));
    }

    @Test
    void handlesOpenInAStoreKeepTheServiceOnTheBestCandidateOfThatStore() {
        assertSame(betterStoreA, BackendChoice.among(List.of(storeA, bestStoreB, betterStoreA), Set.of("A")).chosen());
    }

    @Test
    void handlesOfAStoreNoCandidateServesDoNotHoldTheServiceBack() {
        assertSame(bestStoreB, BackendChoice.among(List.of(bestStoreB), Set.of("A")).chosen());
        assertNull(BackendChoice.among(List.of(), Set.of("A")).chosen());
    }

    @Test
    void tiesGoToTheLowerOrder() {
        Candidate sameRanking = new Candidate(two, "A", 0, 0, "a0", 0);
        assertSame(sameRanking, BackendChoice.among(List.of(storeA, sameRanking), Set.of()).chosen());
    }
}
