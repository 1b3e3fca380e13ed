package dev.geofence.cli;

import dev.geofence.policy.Policy;
import dev.geofence.policy.map.PolicyMap;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code geofence policy render POLICY [--at DATE] [--compare OLD] -o FILE.html}. */
@Command(
    name = "render",
    mixinStandardHelpOptions = true,
    description = {
      "Render a policy as one self-contained HTML file for review and sign-off: a world map per"
          + " tier coloured by outcome, the subdivision, unknown and anonymous rows, the small"
          + " states a map cannot show and the dated rules as a timeline. With --compare, also a"
          + " map and table of what changes from OLD (the content of 'policy diff OLD POLICY').",
      "Exit 0 when the file is written, 1 when a policy is invalid or the file cannot be written."
    })
final class PolicyRenderCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "POLICY", description = "The policy to show.")
  Path policyFile;

  @Option(
      names = "--at",
      paramLabel = "DATE",
      converter = PolicyCommand.InstantConverter.class,
      description = "Evaluate as of this UTC date (its start) or instant. Default: now.")
  Instant at;

  @Option(
      names = "--compare",
      paramLabel = "OLD",
      description = "An older policy: add the change map and table, as 'policy diff OLD POLICY'.")
  Path oldFile;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE.html",
      required = true,
      description = "Where to write the report; '-' for standard output.")
  Path output;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    Optional<Policy> policy = PolicyCommand.load(out, policyFile, "nothing rendered");
    Optional<Policy> before =
        oldFile == null ? Optional.empty() : PolicyCommand.load(out, oldFile, "nothing rendered");
    if (policy.isEmpty() || (oldFile != null && before.isEmpty())) {
      return Main.FINDING;
    }
    PolicyMap.Builder builder = PolicyMap.builder().policy(policy.get());
    if (at != null) {
      builder.at(at);
    }
    before.ifPresent(builder::compareWith);
    PolicyMap map = builder.build();
    if (output.toString().equals("-")) {
      String html = map.html();
      out.print(html);
      out.flush();
      return 0;
    }
    long bytes = write(map, output);
    out.println(
        "wrote "
            + output
            + " ("
            + (bytes + 1023) / 1024
            + " KiB): "
            + PolicyCommand.describe(policy.get())
            + " as of "
            + map.at()
            + before.map(b -> ", compared with version " + b.version()).orElse(""));
    return 0;
  }

  /**
   * Writes the report beside the target and moves it into place, so a reader never sees half a file
   * and a failed run leaves an older report as it was.
   */
  private static long write(PolicyMap map, Path target) {
    Path absolute = target.toAbsolutePath();
    Path temp = null;
    try {
      // Created like any new file (the umask decides its mode), unlike createTempFile's 0600.
      temp =
          absolute.resolveSibling(
              "." + absolute.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
      try (Writer writer =
          Files.newBufferedWriter(
              temp,
              StandardCharsets.UTF_8,
              StandardOpenOption.CREATE_NEW,
              StandardOpenOption.WRITE)) {
        map.writeHtml(writer);
      }
      long size = Files.size(temp);
      Files.move(temp, absolute, StandardCopyOption.REPLACE_EXISTING);
      return size;
    } catch (IOException e) {
      if (temp != null && !(e instanceof java.nio.file.FileAlreadyExistsException)) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // the original failure is the one to report
        }
      }
      throw new IllegalStateException(
          "Cannot write the report to " + target + ": " + reason(e) + ".", e);
    }
  }

  private static String reason(IOException e) {
    if (e instanceof NoSuchFileException) {
      return "its directory does not exist";
    }
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
