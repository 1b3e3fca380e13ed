package dev.geofence.cli;

import dev.geofence.policy.Diagnostic;
import dev.geofence.policy.Policy;
import dev.geofence.policy.ValidationReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code geofence policy}: the compliance commands for region policy files. */
@Command(
    name = "policy",
    mixinStandardHelpOptions = true,
    description = "Validate, test, compare and render region policy files.",
    subcommands = {
      PolicyValidateCommand.class,
      PolicyTestCommand.class,
      PolicyDiffCommand.class,
      PolicyImpactCommand.class,
      PolicyRenderCommand.class
    })
final class PolicyCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(),
        "Missing command: validate, test, diff, impact or render; see 'geofence policy --help'.");
  }

  /** Prints diagnostics in compiler form, one per line. */
  static void print(PrintWriter out, List<Diagnostic> diagnostics) {
    diagnostics.forEach(out::println);
  }

  /**
   * Loads a policy for a command that needs a valid one; when it is invalid, prints every
   * diagnostic and "FILE: invalid, N errors; {@code consequence}", and returns empty.
   */
  static Optional<Policy> load(PrintWriter out, Path file, String consequence) {
    ValidationReport report = Policy.validate(file);
    if (!report.isValid()) {
      print(out, report.diagnostics());
      out.println(
          file + ": invalid, " + plural(report.errors().size(), "error") + "; " + consequence);
    }
    return report.policy();
  }

  /** "policy ai-export-controls version 2026-11-28.1". */
  static String describe(Policy policy) {
    return "policy " + policy.id() + " version " + policy.version();
  }

  static String plural(long n, String word) {
    return n + " " + word + (n == 1 ? "" : "s");
  }

  /** {@code --at}: a UTC date (its start) or an ISO-8601 instant. */
  static final class InstantConverter implements CommandLine.ITypeConverter<Instant> {
    @Override
    public Instant convert(String value) {
      try {
        return DateOrInstant.parse(value);
      } catch (DateTimeParseException e) {
        throw new CommandLine.TypeConversionException(
            "'"
                + value
                + "' is not a date; expected YYYY-MM-DD (UTC) or an instant like 2027-01-15T12:00:00Z");
      }
    }
  }
}
