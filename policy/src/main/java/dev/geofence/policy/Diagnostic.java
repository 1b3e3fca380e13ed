package dev.geofence.policy;

import java.util.Comparator;
import java.util.Locale;
import java.util.Objects;

/**
 * One finding about a policy or policy-test file, at a 1-based line and column. {@link #toString()}
 * gives the form compilers use: {@code policy.yaml:12:5: error: unknown key 'alow' (did you mean
 * 'allow'?)}. Immutable.
 */
public record Diagnostic(String file, int line, int column, Severity severity, String message) {

  /** Orders diagnostics as they appear in a file. */
  public static final Comparator<Diagnostic> IN_FILE_ORDER =
      Comparator.comparing(Diagnostic::file)
          .thenComparingInt(Diagnostic::line)
          .thenComparingInt(Diagnostic::column);

  /** An error stops a file from being used; a warning is printed and the file is still used. */
  public enum Severity {
    ERROR,
    WARNING;

    /** The lower-case word used in output: {@code error} or {@code warning}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  public Diagnostic {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(message, "message");
    if (line < 1 || column < 1) {
      throw new IllegalArgumentException("line and column start at 1, got " + line + ":" + column);
    }
  }

  public static Diagnostic error(String file, int line, int column, String message) {
    return new Diagnostic(file, line, column, Severity.ERROR, message);
  }

  public static Diagnostic warning(String file, int line, int column, String message) {
    return new Diagnostic(file, line, column, Severity.WARNING, message);
  }

  public boolean isError() {
    return severity == Severity.ERROR;
  }

  @Override
  public String toString() {
    return file + ":" + line + ":" + column + ": " + severity.label() + ": " + message;
  }
}
