/**
 * Test support shared by every module's tests, so that no fixture is copied: {@link shm.testkit.LineProcess} for
 * child processes, {@link shm.testkit.Await} for every wait, {@link shm.testkit.Reasons} for refusals,
 * {@link shm.testkit.StoreFixture} and {@link shm.testkit.TmpfsDirectory} for stores on tmpfs,
 * {@link shm.testkit.SmallTmpfs} for running out of space, {@link shm.testkit.Trees} for clean-up,
 * {@link shm.testkit.CExample} and {@link shm.testkit.PumpImage} for programs that talk to the C example,
 * {@link shm.testkit.BundleVersions} for a second version of a bundle, {@link shm.testkit.OtherThread} for what depends
 * on the calling thread.
 */
@Export
@Version("1.2.0")
package shm.testkit;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
