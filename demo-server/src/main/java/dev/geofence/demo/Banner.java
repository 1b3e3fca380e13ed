package dev.geofence.demo;

import dev.geofence.filter.GeofenceStatus;
import dev.geofence.filter.address.TrustedProxies;
import java.net.URI;
import java.util.List;

/**
 * The text the demo prints once it listens: what runs, where the trail goes, what to try.
 * Stateless.
 */
final class Banner {

  /** A caller the banner suggests playing, with an address from the demo database's ranges. */
  record Caller(String country, String address, String model, String expect) {}

  static final List<Caller> CALLERS =
      List.of(
          new Caller("China", "36.96.0.1", "claude-sonnet-4", "refused with 451 (rule embargoed)"),
          new Caller(
              "Brazil",
              "152.240.0.1",
              "claude-opus-4",
              "served by claude-sonnet-4 instead (rule rest-of-world)"),
          new Caller("the US", "6.0.0.1", "claude-opus-4", "served as asked (rule allies)"));

  private Banner() {}

  /** The shadow policy in use, or why there is none: a broken shadow file never stops the demo. */
  private static String shadowLine(GeofenceStatus.Shadow shadow) {
    return shadow.policyId().isPresent()
        ? "  shadow    "
            + shadow.policyId().get()
            + " version "
            + shadow.policyVersion().orElse("")
            + "  ("
            + shadow.policyFile()
            + "; decided beside the policy, never enforced)\n"
        : "  shadow    none: "
            + shadow.policyFile()
            + " was refused (see /geofence/status); no answer changes\n";
  }

  static String render(DemoServer server) {
    DemoGeofence geofence = server.geofence();
    URI base = server.uri();
    StringBuilder out = new StringBuilder();
    out.append("\ngeofence demo listening on ").append(base).append('\n');
    if (!geofence.enabled()) {
      out.append(
          "  geofence  OFF (--no-geofence): requests go straight to the model API, nothing is audited\n\n");
      out.append("Try:\n  curl -s ").append(base).append("/v1/models\n");
      return out.append('\n').toString();
    }
    geofence
        .status()
        .ifPresent(
            status -> {
              out.append("  policy    ")
                  .append(status.policyId())
                  .append(" version ")
                  .append(status.policyVersion())
                  .append("  (")
                  .append(geofence.policySource())
                  .append(")\n");
              status
                  .database()
                  .ifPresent(
                      info ->
                          out.append("  database  ")
                              .append(info.databaseType())
                              .append(" built ")
                              .append(info.buildTime())
                              .append("  (")
                              .append(geofence.databaseSource())
                              .append(")\n"));
              status.shadow().ifPresent(shadow -> out.append(shadowLine(shadow)));
              status
                  .anonymousDatabase()
                  .ifPresent(
                      info ->
                          out.append("  anonymous ")
                              .append(info.databaseType())
                              .append("  (")
                              .append(info.path())
                              .append(")\n"));
            });
    out.append("  audit     ")
        .append(geofence.auditDirectory().toAbsolutePath())
        .append("/  (hash-chained JSON Lines; ")
        .append(
            server
                .config()
                .auditSyncInterval()
                .map(interval -> "forced to disk every " + interval.toMillis() + " ms")
                .orElse("each line forced to disk as it is written"))
        .append(
            server.config().auditSigningKey().isPresent()
                ? "; checkpoints signed with " + server.config().auditSigningKey().get()
                : "")
        .append(")\n");
    TrustedProxies proxies = server.config().trustedProxies();
    boolean loopbackTrusted = !proxies.isEmpty();
    if (proxies.equals(DemoConfig.LOOPBACK)) {
      out.append(
              "  proxies   loopback (127.0.0.0/8, ::1) is trusted as a proxy, for the demo only: a local curl with\n")
          .append(
              "            -H 'X-Forwarded-For: <address>' plays a caller at that address. --trust-proxy none turns it off.\n");
    } else if (proxies.isEmpty()) {
      out.append(
          "  proxies   none trusted: every caller is the TCP peer; X-Forwarded-For is ignored\n");
    } else {
      out.append("  proxies   trusted: ").append(proxies.cidrs()).append('\n');
    }
    if (server.config().principalHeader().isPresent()) {
      out.append("  principal ")
          .append(server.config().principalHeader().get())
          .append(
              proxies.isEmpty()
                  ? ": ignored, no proxy is trusted (--trust-proxy none); records have no user.id\n"
                  : " from a trusted proxy, recorded in full as user.id (for the demo only;"
                      + " deployments keep principal-privacy hmac)\n");
    }
    if (!server.config().usageStore().equals("local")) {
      out.append("  usage     limits and country alerts shared through ")
          .append(withoutPassword(server.config().usageStore()))
          .append("; while it is unreachable: ")
          .append(server.config().usageStoreFailure().label())
          .append('\n');
    }
    out.append("\nTry:\n");
    for (Caller caller : CALLERS) {
      out.append("  # ")
          .append(caller.country())
          .append(" (")
          .append(caller.address())
          .append(") asks for ")
          .append(caller.model())
          .append(": ")
          .append(caller.expect())
          .append('\n');
      out.append("  curl -s -i ");
      if (loopbackTrusted) {
        out.append("-H 'X-Forwarded-For: ").append(caller.address()).append("' ");
      }
      out.append("-H 'content-type: application/json' \\\n       -d '")
          .append(messageBody(caller.model()))
          .append("' \\\n       ")
          .append(base)
          .append("/v1/messages\n");
    }
    out.append("  # the models a caller may use differ by country\n");
    out.append("  curl -s ")
        .append(loopbackTrusted ? "-H 'X-Forwarded-For: 152.240.0.1' " : "")
        .append(base)
        .append("/v1/models\n");
    out.append("  curl -s ").append(base).append("/geofence/status\n");
    out.append("  # the policy as a world map: open ").append(base).append("/geofence/policy\n");
    out.append("  tail -f ").append(geofence.auditDirectory()).append("/*.jsonl\n");
    out.append(
        "\nCtrl-C stops the server; requests in flight finish and the audit trail is flushed.\n");
    return out.toString();
  }

  static String messageBody(String model) {
    return "{\"model\":\""
        + model
        + "\",\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]}";
  }

  /** The store's URI as it may be shown: without the password a {@code redis://} URI may hold. */
  static String withoutPassword(String uri) {
    URI parsed = URI.create(uri);
    if (parsed.getRawUserInfo() == null) {
      return uri;
    }
    return parsed.getScheme()
        + "://"
        + parsed.getHost()
        + (parsed.getPort() < 0 ? "" : ":" + parsed.getPort())
        + (parsed.getRawPath() == null ? "" : parsed.getRawPath());
  }
}
