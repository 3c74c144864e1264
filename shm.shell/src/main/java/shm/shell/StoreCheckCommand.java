package shm.shell;

import java.util.List;

import org.apache.felix.service.command.Descriptor;
import org.apache.felix.service.command.Parameter;
import org.apache.felix.service.command.annotations.GogoCommand;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;

import shm.api.spi.StoreCheck;
import shm.api.spi.StoreReport;

/**
 * The operator's Gogo command {@code shm:check [--repair]}: checks the store of every backend that offers a
 * {@link StoreCheck} (also one whose backend cannot start on a damaged store) and, with {@code --repair}, repairs
 * it. Prints one line per store and one per finding and per repair.
 */
@Component(service = StoreCheckCommand.class)
@GogoCommand(scope = "shm", function = {"check"})
public final class StoreCheckCommand {

    @Reference(policy = ReferencePolicy.DYNAMIC, cardinality = ReferenceCardinality.MULTIPLE,
            policyOption = ReferencePolicyOption.GREEDY)
    private volatile List<StoreCheck> checks = List.of();

    /** Made by Declarative Services; the store checks are bound right after. */
    public StoreCheckCommand() {
    }

    /** Makes the command over given store checks, outside a framework (tests). */
    StoreCheckCommand(List<StoreCheck> checks) {
        this.checks = List.copyOf(checks);
    }

    /** Checks (and repairs) every store. */
    @Descriptor("check every backend's store for corrupt tables, dead writers' leftovers and foreign files; with"
            + " --repair drop what cannot be trusted (never a file that may hold data) so a wedged store works again")
    public void check(
            @Descriptor("repair what the check finds")
            @Parameter(names = {"-r", "--repair"}, presentValue = "true", absentValue = "false") boolean repair,
            @Descriptor("(no arguments)") String... arguments) {
        System.out.println(run(repair, arguments));
    }

    /** The text {@link #check} prints. */
    String run(boolean repair, String... arguments) {
        if (arguments.length != 0) {
            throw new UsageException("shm:check takes no arguments besides --repair", "shm:check [--repair]");
        }
        List<StoreCheck> current = List.copyOf(checks);
        if (current.isEmpty()) {
            return "no backend offers a store check";
        }
        StringBuilder out = new StringBuilder();
        for (StoreCheck check : current) {
            StoreReport report = check.check(repair);
            out.append("store ").append(report.store()).append(": ")
                    .append(report.consistent() ? "consistent" : report.findings().size() + " finding(s)")
                    .append(repair && !report.repairs().isEmpty() ? ", " + report.repairs().size() + " repair(s)" : "")
                    .append('\n');
            report.findings().forEach(f -> out.append("  found:    ").append(f).append('\n'));
            report.repairs().forEach(r -> out.append("  repaired: ").append(r).append('\n'));
        }
        return out.toString().stripTrailing();
    }
}
