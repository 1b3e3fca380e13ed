package dev.geofence.cli;

import dev.geofence.policy.Policy;
import dev.geofence.policy.ValidationReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code geofence policy validate FILE...}. */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    description = {
      "Check policy files and print every error and warning as FILE:LINE:COL: error|warning: message.",
      "Exit 0 when every file is valid (warnings allowed), 1 when any file has an error."
    })
final class PolicyValidateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Policy files to check.")
  List<Path> files;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    int invalid = 0;
    for (Path file : files) {
      ValidationReport report = Policy.validate(file);
      PolicyCommand.print(out, report.diagnostics());
      String warnings = PolicyCommand.plural(report.warnings().size(), "warning");
      if (report.isValid()) {
        Policy policy = report.policy().get();
        out.println(
            file
                + ": valid, "
                + PolicyCommand.describe(policy)
                + ", "
                + PolicyCommand.plural(policy.ruleNames().size(), "rule")
                + ", "
                + warnings);
      } else {
        invalid++;
        out.println(
            file
                + ": invalid, "
                + PolicyCommand.plural(report.errors().size(), "error")
                + ", "
                + warnings);
      }
    }
    if (files.size() > 1) {
      out.println(
          files.size() + " files: " + (files.size() - invalid) + " valid, " + invalid + " invalid");
    }
    return invalid == 0 ? 0 : Main.FINDING;
  }
}
