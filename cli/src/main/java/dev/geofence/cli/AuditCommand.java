package dev.geofence.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code geofence audit}: checks and summarises audit trails. */
@Command(
    name = "audit",
    mixinStandardHelpOptions = true,
    description = "Check the hash chain of audit files, or summarise the decisions in them.",
    subcommands = {AuditVerifyCommand.class, AuditReportCommand.class})
final class AuditCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "Missing subcommand; expected 'geofence audit verify FILE...' or 'geofence audit report FILE...'.");
  }
}
