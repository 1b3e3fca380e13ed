package dev.geofence.cli;

import dev.geofence.filter.audit.PolicyImpact;
import dev.geofence.policy.Policy;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code geofence policy impact OLD NEW --audit FILE...}. */
@Command(
    name = "impact",
    mixinStandardHelpOptions = true,
    description = {
      "Estimate a policy change from past traffic: every decided request the audit files recorded"
          + " (country, subdivision, registered country, anonymizer flags, requested model or"
          + " tier) is decided again by OLD and NEW; prints one row per country, subdivision, tier"
          + " and change of outcome, with requests, distinct callers, first and last seen."
          + " Countries whose outcome does not change are not listed.",
      "Exit 0, 1 when a file is invalid or unreadable."
    })
final class PolicyImpactCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "OLD", description = "The policy in force.")
  Path oldFile;

  @Parameters(index = "1", paramLabel = "NEW", description = "The proposed policy.")
  Path newFile;

  @Option(
      names = "--audit",
      paramLabel = "FILE",
      arity = "1..*",
      required = true,
      description =
          "Audit files recorded with audit-scope=all (a notable-only trail lacks allowed requests).")
  List<Path> auditFiles;

  @Option(
      names = "--at",
      paramLabel = "DATE",
      converter = PolicyCommand.InstantConverter.class,
      description =
          "Decide every request as of this UTC date (its start) or instant, to see a change on its"
              + " effective date. Default: each at the time it was recorded.")
  Instant at;

  @Option(names = "--json", description = "Print the changes as JSON.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    Optional<Policy> before = PolicyCommand.load(out, oldFile, "no impact was estimated");
    Optional<Policy> after = PolicyCommand.load(out, newFile, "no impact was estimated");
    if (before.isEmpty() || after.isEmpty()) {
      return Main.FINDING;
    }
    if (!AuditReportCommand.readable(spec, auditFiles)) {
      return Main.FINDING;
    }
    PolicyImpact impact =
        PolicyImpact.replay(before.get(), after.get(), auditFiles, Optional.ofNullable(at));
    if (json) {
      out.println(ImpactTable.json(impact));
    } else {
      out.println(
          PolicyCommand.describe(before.get()) + " -> " + PolicyCommand.describe(after.get()));
      ImpactTable.print(out, impact);
    }
    return 0;
  }
}
