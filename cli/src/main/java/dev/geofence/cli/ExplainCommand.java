package dev.geofence.cli;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.geofence.filter.Geofence;
import dev.geofence.filter.GeofenceExplanation;
import dev.geofence.filter.GeofenceSettings;
import dev.geofence.filter.Screening;
import dev.geofence.filter.address.Cidr;
import dev.geofence.filter.address.ClientAddress;
import dev.geofence.filter.address.IpAddresses;
import dev.geofence.filter.address.ProxyHeader;
import dev.geofence.filter.address.TrustedProxies;
import dev.geofence.policy.Decision;
import dev.geofence.policy.Monitoring;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code geofence explain}: decides one imagined request with the filter's own engine ({@link
 * Geofence#explain}) and prints each step: where the caller's address came from, the look-up, the
 * model's tier, each rule tried, and the outcome.
 */
@Command(
    name = "explain",
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = {
      "Explain how the filter decides a request, with the filter's own code: the caller's address and where it"
          + " came from, the look-up, the model's tier, each rule tried and why it matched or not, and the outcome.",
      "Exit 0 when the request would be served (as asked or substituted), 1 when it would be blocked or an input"
          + " is bad, 2 for a usage error."
    },
    footer = {
      "",
      "Examples:",
      "  geofence explain --policy examples/policy.yaml --geoip GeoLite2-Country.mmdb --ip 152.240.0.1 --model claude-opus-4",
      "  geofence explain --policy p.yaml --geoip db.mmdb --peer 10.0.0.5 --trust-proxy 10.0.0.0/8 \\",
      "      --header 'X-Forwarded-For: 36.96.0.1' --model claude-sonnet-4 --json"
    })
final class ExplainCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--policy",
      required = true,
      paramLabel = "FILE",
      description = "Region policy (YAML).")
  Path policy;

  @Option(
      names = "--geoip",
      required = true,
      paramLabel = "FILE",
      description =
          "Country database (.mmdb): GeoIP2/GeoLite2 Country, City or Enterprise, DB-IP, IPinfo Lite.")
  Path geoip;

  @Option(
      names = "--anonymous-db",
      paramLabel = "FILE",
      description = "GeoIP2 Anonymous IP database (.mmdb).")
  Path anonymousDb;

  @Option(
      names = {"--ip", "--peer"},
      required = true,
      paramLabel = "IP",
      description =
          "The address the request comes from: the TCP peer as the server sees it. With --header,"
              + " this is the proxy (--peer reads better then); the header is believed only if it is trusted.")
  String peer;

  @Option(
      names = "--model",
      paramLabel = "MODEL",
      description =
          "The requested model id (default: none, as for GET /v1/models: the country decision alone).")
  String model;

  @Option(
      names = "--header",
      paramLabel = "'NAME: VALUE'",
      description =
          "A proxy header line the request carries, e.g. 'X-Forwarded-For: 203.0.113.7, 10.0.0.5';"
              + " repeatable. Only the --proxy-header is read.")
  List<String> headers = new ArrayList<>();

  @Option(
      names = "--proxy-header",
      paramLabel = "NAME",
      defaultValue = "X-Forwarded-For",
      description =
          "The header trusted proxies put the caller in: X-Forwarded-For, Forwarded, or a single-address"
              + " header such as CF-Connecting-IP (default: ${DEFAULT-VALUE}).")
  String proxyHeader;

  @Option(
      names = "--trust-proxy",
      paramLabel = "CIDR",
      description =
          "A network whose proxy header is believed; repeatable (default: none, as the filter).")
  List<String> trustProxy = new ArrayList<>();

  @Option(
      names = "--at",
      paramLabel = "DATE",
      description =
          "Decide as of this day (2027-01-15, start of the day UTC) or instant (2027-01-15T12:00:00Z)"
              + " (default: now).")
  String at;

  @Option(names = "--json", description = "Print the decision and its steps as one JSON object.")
  boolean json;

  @Override
  public Integer call() throws IOException {
    Instant when = instant();
    ProxyHeader header = proxyHeader();
    List<String> headerLines = headerLines(header);
    GeofenceSettings.Builder settings =
        GeofenceSettings.builder()
            .policyFile(policy)
            .policyWatchInterval(Duration.ZERO)
            .geoipDatabase(geoip)
            .trustedProxies(trustedProxies())
            .proxyHeader(header)
            .cacheSize(0);
    if (anonymousDb != null) {
      settings.anonymousDatabase(anonymousDb);
    }
    GeofenceExplanation explanation;
    try (Geofence fence = Geofence.create(settings.build())) {
      explanation = fence.explain(peer, headerLines, model, when);
    }
    PrintWriter out = spec.commandLine().getOut();
    String headerUse = headerUse(headerLines, explanation.screening());
    if (json) {
      printJson(out, explanation, headerUse);
    } else {
      printText(out, explanation);
      if (headerUse.equals("ignored")) {
        out.println(
            "note: the "
                + header.name()
                + " header was ignored: the peer "
                + peer
                + " is not a trusted proxy (see --trust-proxy).");
      }
      out.println();
      Decision decision = explanation.screening().decision();
      out.println("outcome: " + outcome(decision));
      if (!decision.monitoring().equals(Monitoring.OFF)) {
        out.println(
            "monitor: " + decision.monitoring().describe() + " (rule " + decision.ruleName() + ")");
      }
    }
    out.flush();
    return explanation.screening().decision().isBlocked() ? Main.FINDING : 0;
  }

  private Instant instant() {
    if (at == null) {
      return Instant.now();
    }
    try {
      return DateOrInstant.parse(at);
    } catch (DateTimeParseException e) {
      throw usage(
          "--at '"
              + at
              + "' is not a date or instant; expected e.g. 2027-01-15 or 2027-01-15T12:00:00Z");
    }
  }

  private ProxyHeader proxyHeader() {
    try {
      return ProxyHeader.of(proxyHeader);
    } catch (IllegalArgumentException e) {
      throw usage("--proxy-header: " + e.getMessage());
    }
  }

  private TrustedProxies trustedProxies() {
    List<Cidr> cidrs = new ArrayList<>();
    for (String value : trustProxy) {
      try {
        cidrs.add(Cidr.parse(value));
      } catch (IllegalArgumentException e) {
        throw usage("--trust-proxy: " + e.getMessage());
      }
    }
    return TrustedProxies.of(cidrs);
  }

  /**
   * The values of the header lines that name the proxy header; any other header is a usage error.
   */
  private List<String> headerLines(ProxyHeader header) {
    List<String> values = new ArrayList<>();
    for (String line : headers) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw usage(
            "--header '"
                + line
                + "' is not a header line; expected 'NAME: VALUE', e.g. 'X-Forwarded-For: 203.0.113.7'");
      }
      String name = line.substring(0, colon).strip();
      if (!name.equalsIgnoreCase(header.name())) {
        throw usage(
            "--header '"
                + name
                + "' is not the proxy header "
                + header.name()
                + "; only it is read (choose another with --proxy-header)");
      }
      values.add(line.substring(colon + 1).strip());
    }
    return values;
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  /** The engine's steps with the model's tier added before the first rule. */
  static List<GeofenceExplanation.Step> steps(GeofenceExplanation explanation) {
    Screening d = explanation.screening();
    String detail =
        d.decision()
            .requestedModel()
            .map(
                m ->
                    d.policy()
                        .checkModelId(m)
                        .map(problem -> "not a model id the policy accepts: " + problem)
                        .orElseGet(
                            () ->
                                m
                                    + " is in tier "
                                    + d.policy().tierOf(m)
                                    + " (tiers, highest first: "
                                    + String.join(", ", d.policy().tierNames())
                                    + ")"))
            .orElse("no model named: the country decision, as for GET /v1/models");
    List<GeofenceExplanation.Step> steps = new ArrayList<>(explanation.steps());
    int firstRule = 0;
    while (firstRule < steps.size() && !steps.get(firstRule).name().startsWith("rule ")) {
      firstRule++;
    }
    steps.add(Math.min(firstRule, steps.size()), new GeofenceExplanation.Step("model", detail));
    return steps;
  }

  private static void printText(PrintWriter out, GeofenceExplanation explanation) {
    List<GeofenceExplanation.Step> steps = steps(explanation);
    int width = 0;
    for (GeofenceExplanation.Step step : steps) {
      width = Math.max(width, step.name().length());
    }
    int number = 1;
    for (GeofenceExplanation.Step step : steps) {
      out.printf(Locale.ROOT, "%2d. %-" + width + "s  %s%n", number++, step.name(), step.detail());
    }
  }

  /** {@code absent}, {@code used}, or {@code ignored} (given, but the peer is not trusted). */
  private static String headerUse(List<String> headerLines, Screening decision) {
    if (headerLines.isEmpty()) {
      return "absent";
    }
    return decision.caller().source() == ClientAddress.Source.PEER ? "ignored" : "used";
  }

  /**
   * {@code substitute claude-opus-4 (frontier) -> claude-sonnet-4 (advanced), rule rest-of-world}.
   */
  static String outcome(Decision decision) {
    if (decision.reason() == Decision.Reason.UNRESOLVABLE) {
      return "refuse before any rule: 400 address_unresolvable (the caller's address cannot be"
          + " told)";
    }
    if (decision.reason() == Decision.Reason.MODEL_INVALID) {
      return "refuse before any rule: 400 model_invalid (the model id is not one the policy"
          + " accepts)";
    }
    String requested =
        decision
            .requestedModel()
            .map(m -> m + decision.requestedTier().map(t -> " (" + t + ")").orElse(""))
            .orElse("(no model)");
    String rule = ", rule " + decision.ruleName();
    return switch (decision.action()) {
      case ALLOW -> "allow " + requested + rule;
      case SUBSTITUTE ->
          "substitute "
              + requested
              + " -> "
              + decision.effectiveModel().orElse("?")
              + decision.effectiveTier().map(t -> " (" + t + ")").orElse("")
              + rule;
      case BLOCK -> "block " + requested + rule;
    };
  }

  private static void printJson(PrintWriter out, GeofenceExplanation explanation, String headerUse)
      throws IOException {
    Screening d = explanation.screening();
    Decision decision = d.decision();
    try (JsonGenerator g = new JsonFactory().createGenerator(out).useDefaultPrettyPrinter()) {
      g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
      g.writeStartObject();
      g.writeStringField("action", decision.action().label());
      writeOptional(g, "country", d.geo().country());
      g.writeStringField("rule", decision.ruleName());
      g.writeStringField("reason", decision.reason().name().toLowerCase(Locale.ROOT));
      writeOptional(g, "requested_model", decision.requestedModel());
      writeOptional(g, "requested_tier", decision.requestedTier());
      writeOptional(g, "effective_model", decision.effectiveModel());
      writeOptional(g, "effective_tier", decision.effectiveTier());
      writeOptional(g, "basis", decision.basis());
      writeMonitoring(g, decision.monitoring());
      writeOptional(g, "client_ip", d.caller().address().map(IpAddresses::format));
      g.writeStringField("address_source", d.caller().source().name().toLowerCase(Locale.ROOT));
      g.writeStringField("proxy_header", headerUse);
      writeOptional(g, "registered_country", d.geo().registeredCountry());
      g.writeStringField("lookup", d.geo().status().name().toLowerCase(Locale.ROOT));
      g.writeObjectFieldStart("policy");
      g.writeStringField("id", d.policy().id());
      g.writeStringField("version", d.policy().version());
      g.writeStringField("sha256", d.policy().sha256());
      g.writeEndObject();
      g.writeStringField("at", d.at().toString());
      g.writeArrayFieldStart("steps");
      for (GeofenceExplanation.Step step : steps(explanation)) {
        g.writeStartObject();
        g.writeStringField("name", step.name());
        g.writeStringField("detail", step.detail());
        g.writeEndObject();
      }
      g.writeEndArray();
      g.writeEndObject();
    }
    out.println();
  }

  /** The deciding rule's {@code monitor}: what the filter audits, counts and alerts on. */
  private static void writeMonitoring(JsonGenerator g, Monitoring m) throws IOException {
    g.writeObjectFieldStart("monitoring");
    g.writeBooleanField("audit", m.enabled());
    if (m.usageLimit().isPresent()) {
      g.writeObjectFieldStart("usage_limit");
      g.writeNumberField("requests", m.usageLimit().get().requests());
      g.writeNumberField("window_seconds", m.usageLimit().get().window().toSeconds());
      g.writeStringField("text", m.usageLimit().get().toString());
      g.writeStringField("over_usage", m.overUsage().label());
      g.writeEndObject();
    } else {
      g.writeNullField("usage_limit");
    }
    if (m.hasAlert()) {
      g.writeObjectFieldStart("alert");
      g.writeNumberField("countries", m.alertCountries());
      g.writeNumberField("window_seconds", m.alertWindow().orElseThrow().toSeconds());
      g.writeEndObject();
    } else {
      g.writeNullField("alert");
    }
    g.writeStringField("description", m.describe());
    g.writeEndObject();
  }

  private static void writeOptional(JsonGenerator g, String name, Optional<String> value)
      throws IOException {
    if (value.isPresent()) {
      g.writeStringField(name, value.get());
    } else {
      g.writeNullField(name);
    }
  }
}
