package shm.shell.runtime;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.metatype.AttributeDefinition;
import org.osgi.service.metatype.MetaTypeInformation;
import org.osgi.service.metatype.MetaTypeService;
import org.osgi.service.metatype.ObjectClassDefinition;

/** Finds the Metatype description of a configuration PID among the installed bundles. */
final class Settings {

    /**
     * One configurable PID and its description.
     *
     * @param pid        the PID or factory PID
     * @param factory    whether it is a factory PID
     * @param bundle     the bundle that describes it
     * @param definition its object class definition
     */
    record Described(String pid, boolean factory, Bundle bundle, ObjectClassDefinition definition) {

        /** Every attribute, required and optional. */
        List<AttributeDefinition> attributes() {
            AttributeDefinition[] all = definition.getAttributeDefinitions(ObjectClassDefinition.ALL);
            return all == null ? List.of() : List.of(all);
        }
    }

    private Settings() {
    }

    /** Every PID that a bundle describes with Metatype, in bundle order. */
    static List<Described> all(BundleContext context, MetaTypeService metatype) {
        List<Described> found = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            MetaTypeInformation information = metatype.getMetaTypeInformation(bundle);
            if (information == null) {
                continue;
            }
            for (String pid : information.getPids()) {
                found.add(new Described(pid, false, bundle, information.getObjectClassDefinition(pid, null)));
            }
            for (String pid : information.getFactoryPids()) {
                found.add(new Described(pid, true, bundle, information.getObjectClassDefinition(pid, null)));
            }
        }
        return found;
    }

    /**
     * The description of {@code pid} (a PID or factory PID), if a bundle has one: the first bundle's that names it, as
     * {@link #all} would list it. Only that one definition is built (a definition is localized when it is made, and
     * the configuration check asks for one at every configuration file and every update).
     */
    static Optional<Described> of(BundleContext context, MetaTypeService metatype, String pid) {
        for (Bundle bundle : context.getBundles()) {
            MetaTypeInformation information = metatype.getMetaTypeInformation(bundle);
            if (information == null) {
                continue;
            }
            if (names(information.getPids(), pid)) {
                return Optional.of(new Described(pid, false, bundle, information.getObjectClassDefinition(pid, null)));
            }
            if (names(information.getFactoryPids(), pid)) {
                return Optional.of(new Described(pid, true, bundle, information.getObjectClassDefinition(pid, null)));
            }
        }
        return Optional.empty();
    }

    private static boolean names(String[] pids, String pid) {
        return pids != null && Arrays.asList(pids).contains(pid);
    }
}
