package shm.provider.win32;

import java.util.LinkedHashMap;
import java.util.Map;

import shm.api.spi.BackendCapabilities;
import shm.api.spi.ShmBackend;

/**
 * What a vendor backend can do of the SPI, published as service properties named in {@link BackendCapabilities} so
 * that a personality or an operator's target filter can choose a backend by them.
 *
 * @param type             the {@link ShmBackend#TYPE_PROPERTY} value, such as {@code "rtx"}
 * @param vendor           the vendor and product
 * @param library          the configured library name or path
 * @param namespace        the {@link ShmBackend#NAMESPACE_PROPERTY} value: vendor, library and node
 * @param maxObjectSize    the largest object, in bytes
 * @param maxNameLength    the longest name, in UTF-16 characters
 * @param descriptorTables one of the {@code DESCRIPTOR_TABLES_*} values
 * @param directory        one of the {@code DIRECTORY_*} values
 * @param rtHandleImport   whether RT handles can be imported ({@code ntxImportRtHandle})
 */
public record Capabilities(String type, String vendor, String library, String namespace, long maxObjectSize,
                           int maxNameLength, String descriptorTables, String directory, boolean rtHandleImport) {

    /** The service properties, ranking excluded. */
    public Map<String, Object> properties() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put(ShmBackend.TYPE_PROPERTY, type);
        p.put(ShmBackend.NAMESPACE_PROPERTY, namespace);
        p.put(BackendCapabilities.VENDOR, vendor);
        p.put(BackendCapabilities.LIBRARY, library);
        p.put(BackendCapabilities.MAX_OBJECT_SIZE, maxObjectSize);
        p.put(BackendCapabilities.MAX_NAME_LENGTH, maxNameLength);
        p.put(BackendCapabilities.DESCRIPTOR_TABLES, descriptorTables);
        p.put(BackendCapabilities.DIRECTORY, directory);
        p.put(BackendCapabilities.POOLS, false);
        p.put(BackendCapabilities.RT_HANDLE_IMPORT, rtHandleImport);
        p.put(BackendCapabilities.ENUMERATION, BackendCapabilities.ENUMERATION_PROCESS);
        p.put(BackendCapabilities.CROSS_PROCESS_REFS, false);
        p.put(BackendCapabilities.SHARED_LOGICAL_SIZE, false);
        p.put(BackendCapabilities.WAIT_MULTIPLE, false);
        p.put(BackendCapabilities.SYNC_REFS, false);
        return p;
    }
}
