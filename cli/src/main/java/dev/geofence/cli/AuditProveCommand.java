package dev.geofence.cli;

import dev.geofence.filter.audit.AuditProof;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code geofence audit prove --seq N FILE...}: a proof of one record, as JSON. */
@Command(
    name = "prove",
    mixinStandardHelpOptions = true,
    description = {
      "Print a JSON proof that one record is in a signed trail: the record, its Merkle inclusion"
          + " path and the signed checkpoint that covers it. 'audit verify-proof' checks it without"
          + " the rest of the trail, so one decision can be shown without anyone else's traffic.",
      "Exit 1 when no file holds the record or no checkpoint covers it yet."
    })
final class AuditProveCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--seq",
      required = true,
      paramLabel = "N",
      description = "The record's geofence.audit.seq.")
  long seq;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Audit files, oldest first.")
  List<Path> files;

  @Override
  public Integer call() {
    if (!AuditFileArguments.readable(files, spec.commandLine().getErr())) {
      return Main.FINDING;
    }
    try {
      spec.commandLine().getOut().print(AuditProof.create(files, seq));
      return 0;
    } catch (IllegalArgumentException | IOException e) {
      spec.commandLine().getErr().println("geofence: " + e.getMessage());
      return Main.FINDING;
    }
  }
}
