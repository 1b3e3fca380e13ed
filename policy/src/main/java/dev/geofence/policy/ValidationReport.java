package dev.geofence.policy;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link Policy#validate} found: every error and warning in file order, and the policy when
 * there is no error. Immutable.
 */
public record ValidationReport(List<Diagnostic> diagnostics, Optional<Policy> policy) {

  public ValidationReport {
    diagnostics = List.copyOf(diagnostics);
    Objects.requireNonNull(policy, "policy");
  }

  public boolean isValid() {
    return policy.isPresent();
  }

  public List<Diagnostic> errors() {
    return diagnostics.stream().filter(Diagnostic::isError).toList();
  }

  public List<Diagnostic> warnings() {
    return diagnostics.stream().filter(d -> !d.isError()).toList();
  }
}
