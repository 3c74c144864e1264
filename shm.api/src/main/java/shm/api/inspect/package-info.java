/**
 * What an operator may look at inside a running personality instance (an RTX or iwin32 process's handles, INtime's
 * GDT slots, catalog and pools, NTX's cached mappings), for consoles and diagnostics. Implemented by the
 * personalities ({@link shm.api.inspect.PersonalityInspection} is {@code @ProviderType}), consumed by the operator's
 * shell. Snapshots only: looking changes nothing.
 */
@Export
@Version("1.0.0")
package shm.api.inspect;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
