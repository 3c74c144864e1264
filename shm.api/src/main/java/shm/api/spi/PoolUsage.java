package shm.api.spi;

/**
 * How much of a memory pool is in use, across every process of the backend.
 *
 * @param pool  the pool's name
 * @param limit the most bytes the pool may hold
 * @param used  the bytes charged to the pool by live objects
 */
public record PoolUsage(String pool, long limit, long used) {
}
