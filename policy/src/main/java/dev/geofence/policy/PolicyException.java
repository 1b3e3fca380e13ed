package dev.geofence.policy;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A policy or policy-test file that cannot be used. {@link #diagnostics()} holds every error found
 * (not only the first) and any warnings; the message lists the errors, one per line.
 */
public final class PolicyException extends Exception {

  private final transient List<Diagnostic> diagnostics;

  public PolicyException(List<Diagnostic> diagnostics) {
    super(messageOf(diagnostics));
    this.diagnostics = List.copyOf(diagnostics);
  }

  /** Every diagnostic for the file, errors and warnings, in file order. */
  public List<Diagnostic> diagnostics() {
    return diagnostics;
  }

  /** The errors only. */
  public List<Diagnostic> errors() {
    return diagnostics.stream().filter(Diagnostic::isError).toList();
  }

  private static String messageOf(List<Diagnostic> diagnostics) {
    List<Diagnostic> errors = diagnostics.stream().filter(Diagnostic::isError).toList();
    if (errors.size() == 1) {
      return errors.get(0).toString();
    }
    return errors.size()
        + " errors:\n"
        + errors.stream().map(Diagnostic::toString).collect(Collectors.joining("\n"));
  }
}
