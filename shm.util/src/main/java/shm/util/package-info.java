/**
 * Small helpers every bundle of the platform embeds privately (bnd {@code -conditionalpackage: shm.util}); not an
 * exported API and not versioned as one.
 */
package shm.util;
