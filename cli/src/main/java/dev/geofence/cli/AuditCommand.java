package dev.geofence.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code geofence audit}: checks and summarises audit trails. */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description =
        "Check the hash chain and signed checkpoints of audit files, summarise the decisions in"
            + " them, make signing keys, and prove one record.",
    subcommands = {
      AuditVerifyCommand.class,
      AuditReportCommand.class,
      AuditKeygenCommand.class,
      AuditProveCommand.class,
      AuditVerifyProofCommand.class
    })
final class AuditCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "Missing subcommand; expected verify, report, keygen, prove or verify-proof (see"
            + " 'geofence audit --help').");
  }
}
