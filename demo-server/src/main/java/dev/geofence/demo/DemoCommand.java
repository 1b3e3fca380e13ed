package dev.geofence.demo;

import dev.geofence.filter.address.Cidr;
import dev.geofence.filter.address.TrustedProxies;
import dev.geofence.policy.PolicyException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code bin/demo} command line: parses the options into a {@link DemoConfig}, starts the
 * server, prints the banner and waits until the server is stopped (Ctrl-C or SIGTERM). Exit codes:
 * 0 after a clean stop, 1 when the server cannot start, 2 for a bad option. Not thread-safe; one
 * instance per run.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description =
        "Runs a small model API (POST /v1/messages, GET /v1/models) behind the geofence filter,"
            + " with an embedded demo policy and GeoIP database, on http://127.0.0.1:8080.")
final class DemoCommand implements Callable<Integer> {

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "8080",
      description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = "--host",
      paramLabel = "ADDRESS",
      defaultValue = DemoConfig.DEFAULT_HOST,
      description =
          "Address to bind, an IP literal; 0.0.0.0 for every interface (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--policy",
      paramLabel = "FILE",
      description = "Region policy (YAML) (default: the embedded examples/policy.yaml).")
  Path policy;

  @Option(
      names = "--shadow-policy",
      paramLabel = "FILE",
      description =
          "A candidate policy decided beside the policy on every request and never enforced; where"
              + " it would decide otherwise the audit record carries geofence.shadow. Watched and"
              + " reloaded; a missing or invalid file is shown in /geofence/status and changes no"
              + " answer.")
  Path shadowPolicy;

  @Option(
      names = "--geoip",
      paramLabel = "FILE",
      description =
          "Country database (.mmdb): GeoIP2/GeoLite2 Country, City or Enterprise, DB-IP, IPinfo Lite"
              + " (default: a demo database built at start from demo-ranges.csv).")
  Path geoip;

  @Option(
      names = "--anonymous-db",
      paramLabel = "FILE",
      description =
          "GeoIP2 Anonymous IP database (.mmdb) for VPN/Tor/hosting flags (default: none).")
  Path anonymousDb;

  @Option(
      names = "--trust-proxy",
      paramLabel = "CIDR",
      description =
          "Network whose X-Forwarded-For is believed; repeatable; 'none' trusts no proxy"
              + " (default: loopback, 127.0.0.0/8 and ::1, so curl on this machine can play any caller).")
  List<String> trustProxy = new ArrayList<>();

  @Option(
      names = "--audit",
      paramLabel = "DIR",
      defaultValue = "geofence-audit",
      description =
          "Directory of the audit trail (hash-chained JSON Lines files; created if missing)"
              + " (default: ${DEFAULT-VALUE}).")
  Path audit;

  @Option(
      names = "--audit-durability",
      paramLabel = "each-record|INTERVAL",
      defaultValue = "each-record",
      description =
          "each-record: force every audit line to disk before its request is answered;"
              + " an interval such as 1s: force at most that often, and let allowed requests go without"
              + " waiting for their line, as the library's defaults do (default: ${DEFAULT-VALUE}).")
  String auditDurability;

  @Option(
      names = "--audit-signing-key",
      paramLabel = "FILE",
      description =
          "Sign audit checkpoints with this Ed25519 private key (PKCS#8 PEM, from 'geofence audit"
              + " keygen'): every 10,000 lines or 60 s, at rotation and at close.")
  Path auditSigningKey;

  @Option(
      names = "--principal-header",
      paramLabel = "NAME",
      description =
          "Record the caller named by this header (such as X-Api-Key) as user.id on every audit"
              + " record: principal-source header:NAME. Believed from the trusted proxies only"
              + " (loopback by default); recorded in full, for the demo only.")
  String principalHeader;

  @Option(
      names = "--usage-store",
      paramLabel = "URI",
      description =
          "Where usage limits and country alerts are counted: local (this process, the default)"
              + " or redis://HOST:PORT[/DB] to share them with every demo on that Redis.")
  String usageStore;

  @Option(
      names = "--usage-store-failure",
      paramLabel = "MODE",
      description =
          "What a limited request gets while the Redis usage store is unreachable: local (count"
              + " in this process, the default), allow (serve uncounted) or block (429).")
  String usageStoreFailure;

  @Option(
      names = "--no-geofence",
      description = "Run the same server without the filter: the baseline for benchmarks.")
  boolean noGeofence;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  /** A command line with the demo's error handling: one-sentence messages, never a stack trace. */
  static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new DemoCommand());
    cli.setParameterExceptionHandler(
        (e, args) -> {
          PrintWriter err = e.getCommandLine().getErr();
          err.println("demo: " + e.getMessage());
          err.println("Run 'bin/demo --help' for the options.");
          return 2;
        });
    cli.setExecutionExceptionHandler(
        (e, commandLine, parseResult) -> {
          commandLine.getErr().println("demo: " + message(e));
          return 1;
        });
    return cli;
  }

  @Override
  public Integer call() throws Exception {
    DemoConfig config = config();
    DemoServer server;
    try {
      server = DemoServer.start(config);
    } catch (PolicyException e) {
      PrintWriter err = spec.commandLine().getErr();
      err.println(
          "demo: the policy " + config.policy().map(Path::toString).orElse("") + " has errors:");
      e.errors().forEach(d -> err.println("  " + d));
      return 1;
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(Banner.render(server));
    out.flush();
    server.join();
    return 0;
  }

  /** The options as a validated config; a bad value is a usage error naming the option. */
  DemoConfig config() {
    try {
      DemoConfig.Builder builder =
          DemoConfig.builder()
              .host(host)
              .port(port)
              .trustedProxies(trustedProxies(trustProxy))
              .audit(audit)
              .auditDurability(auditDurability)
              .geofence(!noGeofence);
      if (policy != null) {
        builder.policy(policy);
      }
      if (geoip != null) {
        builder.geoip(geoip);
      }
      if (shadowPolicy != null) {
        builder.shadowPolicy(shadowPolicy);
      }
      if (anonymousDb != null) {
        builder.anonymousDb(anonymousDb);
      }
      if (auditSigningKey != null) {
        builder.auditSigningKey(auditSigningKey);
      }
      if (principalHeader != null) {
        builder.principalHeader(principalHeader);
      }
      if (usageStore != null) {
        builder.usageStore(usageStore);
      }
      if (usageStoreFailure != null) {
        builder.usageStoreFailure(usageStoreFailure);
      }
      return builder.build();
    } catch (IllegalArgumentException e) {
      throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  /** Loopback when none given; {@code none} alone trusts nobody. */
  static TrustedProxies trustedProxies(List<String> values) {
    if (values.isEmpty()) {
      return DemoConfig.LOOPBACK;
    }
    if (values.contains("none")) {
      if (values.size() > 1) {
        throw new IllegalArgumentException(
            "--trust-proxy none cannot be combined with networks "
                + values
                + "; give either 'none' or CIDRs");
      }
      return TrustedProxies.none();
    }
    List<Cidr> cidrs = new ArrayList<>();
    for (String value : values) {
      try {
        cidrs.add(Cidr.parse(value));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--trust-proxy: " + e.getMessage(), e);
      }
    }
    return TrustedProxies.of(cidrs);
  }

  private static String message(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null
        && (cause.getMessage() == null || cause.getMessage().isBlank())) {
      cause = cause.getCause();
    }
    if (cause instanceof java.io.IOException
        && cause.getMessage() != null
        && cause.getMessage().contains("bind")) {
      return "cannot listen: "
          + cause.getMessage()
          + " (is another server using the port? try --port)";
    }
    return cause.getMessage() == null ? cause.toString() : cause.getMessage();
  }
}
