package shm.itest;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertThrows;
import static org.junit.Assert.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.Test;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;

import shm.api.MappingEvent;
import shm.api.ShmException;
import shm.testkit.Await;

/**
 * The provider uninstalled with no successor: the framework's holds stay parked until their deadline (3 s here), then
 * a participant (the child's reaper) releases them like a dead process's, so the framework-only object goes, while the
 * child's own object lives as long as the child holds it; the framework's handles are lost with the reason.
 */
public class ParkDeadlineIT extends ShmTestBase {

    /** The framework with a 3 s park deadline. */
    @Configuration
    @Override
    public Option[] configuration() {
        return ShmFramework.forTest(getClass(), Map.of("park.deadline.seconds", 3L));
    }

    /** See the class documentation. */
    @Test
    public void parkedHoldsExpireAtTheirDeadlineWhenNoSuccessorComes() throws Exception {
        SwapRig rig = SwapRig.start(services.shm(), root);
        try {
            rig.check("start");
            List<MappingEvent> lost = new CopyOnWriteArrayList<>();
            rig.own().addMappingListener(lost::add);
            Bundles.named(context, Bundles.PROVIDER_MMAP).uninstall();

            assertTrue("kept while parked", root.objectFiles().contains("n." + SwapRig.OWN));
            Await.until("the framework-only object goes once its parked hold expired and the child reaped it",
                    Duration.ofSeconds(30), () -> {
                        rig.child().send("reap");
                        return !root.objectFiles().contains("n." + SwapRig.OWN);
                    });
            assertTrue("the child's object lives while the child holds it",
                    root.objectFiles().contains("n." + SwapRig.SHARED));

            ShmException reason = assertThrows(ShmException.class, () -> rig.own().segment().get(JAVA_LONG, 0));
            assertTrue(reason.getMessage(), reason.getMessage().contains("deadline"));
            assertFalse(rig.own().isOpen());
            assertEquals(MappingEvent.Kind.LOST, lost.getFirst().kind());

            rig.child().post("exit");
            assertEquals(0, rig.child().waitFor());
            assertTrue(rig.cPeer().send("stop").startsWith("COUNTED"));
            assertEquals(0, rig.cPeer().waitFor());
            assertEquals("the child's last close destroyed its object", List.of(), root.objectFiles());
        } finally {
            rig.child().close();
            rig.cPeer().close();
        }
    }
}
