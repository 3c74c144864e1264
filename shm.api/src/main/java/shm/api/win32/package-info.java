/**
 * The Win32 numbers that the RTX and INtime (iwin32) personalities share, declared once ({@link
 * shm.api.win32.Win32Constants}) and inherited by each vendor's constants class, so both can be imported together.
 *
 * <p>1.1: {@code MAXIMUM_WAIT_OBJECTS}.
 */
@Export
@Version("1.1.0")
package shm.api.win32;

import org.osgi.annotation.bundle.Export;
import org.osgi.annotation.versioning.Version;
