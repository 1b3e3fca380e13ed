package dev.geofence.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code geofence} command. Exit codes: 0 success, 1 a finding (invalid policy, failed test,
 * changes found, broken audit chain, unreadable input), 2 a usage error.
 */
@Command(
    name = "geofence",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description =
        "Geo-fence for AI model APIs: policy tools, address lookup, decision explanation and audit verification.",
    subcommands = {
      PolicyCommand.class,
      LookupCommand.class,
      ExplainCommand.class,
      AuditCommand.class,
      DbCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  /** Exit code for a finding: invalid input, failed test, changes found, broken chain. */
  public static final int FINDING = 1;

  /** Exit code for a usage error. */
  public static final int USAGE = 2;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the command with the given output streams and returns the exit code; used by tests. */
  public static int run(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cli = new CommandLine(new Main());
    cli.setOut(out);
    cli.setErr(err);
    cli.setExitCodeExceptionMapper(
        e -> e instanceof CommandLine.ParameterException ? USAGE : FINDING);
    // A user never sees a stack trace: print the message and exit 1.
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine.getErr().println("geofence: " + messageOf(e));
          commandLine.getErr().flush();
          return FINDING;
        });
    int code = cli.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  private static String messageOf(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(
        spec.commandLine(), "Missing command; see 'geofence --help'.");
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"geofence " + (version == null ? "development build" : version)};
    }
  }
}
