package dev.geofence.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * Runs {@code geofence} in-process and builds malformed input files for the policy command tests.
 */
final class PolicyCli {

  private PolicyCli() {}

  /** Exit code and both streams of one run. */
  record Run(int exitCode, String out, String err) {
    /** Neither stream shows a stack trace or an exception class name. */
    Run assertNoStackTrace() {
      assertThat(out + err)
          .doesNotContain("\tat ")
          .doesNotContain("Exception")
          .doesNotContain("Error:");
      return this;
    }
  }

  static Run run(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = Main.run(args, new PrintWriter(out), new PrintWriter(err));
    return new Run(code, out.toString(), err.toString());
  }

  /** The repository root, found from the working directory whichever module runs the test. */
  static Path repoRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isRegularFile(dir.resolve("examples/policy.yaml"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException(
          "examples/policy.yaml not found above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  static Path example(String name) {
    return repoRoot().resolve("examples").resolve(name);
  }

  /**
   * A malformed input of the given kind: empty, binary, big (10 MB), deep (nesting), bomb
   * (aliases).
   */
  static Path malformed(Path dir, String kind) throws IOException {
    Path file = dir.resolve(kind + ".yaml");
    switch (kind) {
      case "empty":
        Files.write(file, new byte[0]);
        break;
      case "binary":
        byte[] bytes = new byte[4096];
        new Random(7).nextBytes(bytes);
        bytes[0] = (byte) 0xFF;
        Files.write(file, bytes);
        break;
      case "big":
        Files.write(
            file, ("a: " + "x".repeat(10 * 1024 * 1024) + "\n").getBytes(StandardCharsets.UTF_8));
        break;
      case "deep":
        Files.writeString(file, "cases: " + "[".repeat(50_000) + "]".repeat(50_000) + "\n");
        break;
      case "bomb":
        StringBuilder s = new StringBuilder("a: &a [lol, lol, lol]\n");
        for (char c = 'b'; c <= 'j'; c++) {
          s.append(c)
              .append(": &")
              .append(c)
              .append(" [*")
              .append((char) (c - 1))
              .append(", *")
              .append((char) (c - 1))
              .append("]\n");
        }
        Files.writeString(file, s.toString());
        break;
      default:
        throw new IllegalArgumentException(kind);
    }
    return file;
  }

  /** The message each malformed kind must produce. */
  static String messageFor(String kind) {
    switch (kind) {
      case "empty":
        return ":1:1: error: the file is empty; expected a YAML mapping";
      case "binary":
        return ":1:1: error: the file is not UTF-8 text (byte 0xFF at offset 0)";
      case "big":
        return ":1:1: error: the file is 10485764 bytes; a policy file may be at most 1048576 bytes (1 MiB)";
      case "deep":
        return ":1:27: error: the YAML is nested more than 20 levels deep";
      default:
        return ":2:8: error: YAML aliases are not supported ('*a'); write the value out in full";
    }
  }
}
