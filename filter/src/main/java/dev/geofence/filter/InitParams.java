package dev.geofence.filter;

import dev.geofence.filter.address.ProxyHeader;
import dev.geofence.filter.address.TrustedProxies;
import dev.geofence.filter.audit.AuditScope;
import dev.geofence.filter.audit.Durability;
import dev.geofence.filter.audit.IpPrivacy;
import dev.geofence.filter.audit.PrincipalPrivacy;
import dev.geofence.filter.geo.DatabaseInfo.Schema;
import dev.geofence.filter.geo.GeoDatabase.MissingDatabase;
import dev.geofence.filter.internal.Durations;
import jakarta.servlet.FilterConfig;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The thin adapter from servlet init-params to {@link GeofenceSettings.Builder}: each init-param is
 * parsed and handed to its builder method; the first bad one fails with its name. Unknown names
 * fail too, so a typo never silently leaves a default in force. Stateless.
 */
final class InitParams {

  private static final Map<String, BiConsumer<GeofenceSettings.Builder, String>> PARAMS =
      new LinkedHashMap<>();

  static {
    PARAMS.put("policy-file", (b, v) -> b.policyFile(path(v)));
    PARAMS.put("policy-watch-interval", (b, v) -> b.policyWatchInterval(duration(v)));
    PARAMS.put("shadow-policy", (b, v) -> b.shadowPolicyFile(path(v)));
    PARAMS.put("geoip-database", (b, v) -> b.geoipDatabase(path(v)));
    PARAMS.put("anonymous-database", (b, v) -> b.anonymousDatabase(path(v)));
    PARAMS.put(
        "geo-schema", (b, v) -> b.geoSchema(choice(v, Schema.class, "auto, geoip2 or flat")));
    PARAMS.put("flat-country-field", GeofenceSettings.Builder::flatCountryField);
    PARAMS.put("cache-size", (b, v) -> b.cacheSize(number(v)));
    PARAMS.put(
        "database-max-age",
        (b, v) -> {
          if (v.trim().equalsIgnoreCase("none")) {
            b.noDatabaseMaxAge();
          } else {
            b.databaseMaxAge(duration(v));
          }
        });
    PARAMS.put("stale-is-unavailable", (b, v) -> b.staleIsUnavailable(bool(v)));
    PARAMS.put(
        "missing-database",
        (b, v) -> b.missingDatabase(choice(v, MissingDatabase.class, "fail or unknown")));
    PARAMS.put("database-watch-interval", (b, v) -> b.databaseWatchInterval(duration(v)));
    PARAMS.put("trusted-proxies", (b, v) -> b.trustedProxies(TrustedProxies.parse(v)));
    PARAMS.put("proxy-header", (b, v) -> b.proxyHeader(ProxyHeader.of(v.trim())));
    PARAMS.put("max-header-length", (b, v) -> b.maxHeaderLength(Math.toIntExact(number(v))));
    PARAMS.put("max-hops", (b, v) -> b.maxHops(Math.toIntExact(number(v))));
    PARAMS.put("routes", GeofenceSettings.Builder::routes);
    PARAMS.put("unmatched", (b, v) -> b.unmatched(GeofenceSettings.Unmatched.parse(v)));
    PARAMS.put("max-body-size", (b, v) -> b.maxBodySize(size(v)));
    PARAMS.put("max-inflated-size", (b, v) -> b.maxInflatedSize(size(v)));
    PARAMS.put("max-batch-entries", (b, v) -> b.maxBatchEntries(Math.toIntExact(number(v))));
    PARAMS.put("decompress", (b, v) -> b.decompress(bool(v)));
    PARAMS.put("block-status", (b, v) -> b.blockStatus(Math.toIntExact(number(v))));
    PARAMS.put("refusal-format", (b, v) -> b.refusalFormat(RefusalFormat.parse(v)));
    PARAMS.put("policy-url", (b, v) -> b.policyUrl(uri(v)));
    PARAMS.put("audit-directory", (b, v) -> b.auditDirectory(path(v)));
    PARAMS.put("audit-durability", (b, v) -> b.auditDurability(durability(v)));
    PARAMS.put("audit-max-file-size", (b, v) -> b.auditMaxFileSize(size(v)));
    PARAMS.put("audit-rotate-every", (b, v) -> b.auditRotateEvery(duration(v)));
    PARAMS.put("audit-signing-key", (b, v) -> b.auditSigningKey(path(v)));
    PARAMS.put("audit-instance", (b, v) -> b.auditInstance(v.trim()));
    PARAMS.put("audit-ip-privacy", (b, v) -> {}); // read with audit-hmac-key-file, below
    PARAMS.put("audit-hmac-key-file", (b, v) -> {});
    PARAMS.put(
        "audit-scope", (b, v) -> b.auditScope(choice(v, AuditScope.class, "all or notable")));
    PARAMS.put("audit-enabled", (b, v) -> b.auditEnabled(bool(v)));
    PARAMS.put("request-id-header", (b, v) -> b.requestIdHeader(v.trim()));
    PARAMS.put("principal-source", (b, v) -> b.principalSource(PrincipalSource.parse(v)));
    PARAMS.put("principal-privacy", (b, v) -> {}); // read with audit-hmac-key-file, below
    PARAMS.put("usage-store", GeofenceSettings.Builder::usageStore);
    PARAMS.put("usage-store-failure", (b, v) -> b.usageStoreFailure(UsageStoreFailure.parse(v)));
    PARAMS.put("usage-store-timeout", (b, v) -> b.usageStoreTimeout(duration(v)));
    PARAMS.put("usage-max-keys", (b, v) -> b.usageMaxKeys(Math.toIntExact(number(v))));
    PARAMS.put("decision-headers", (b, v) -> b.decisionHeaders(bool(v)));
    PARAMS.put("requested-model-header", (b, v) -> b.requestedModelHeader(v.trim()));
    PARAMS.put("served-model-header", (b, v) -> b.servedModelHeader(v.trim()));
  }

  private InitParams() {}

  /** The names of every init-param, in documentation order. */
  static List<String> names() {
    return List.copyOf(PARAMS.keySet());
  }

  /**
   * Reads the filter's init-params into settings.
   *
   * @throws IllegalArgumentException naming the init-param when one is unknown or bad
   * @throws IllegalStateException when a required one is missing
   */
  static GeofenceSettings read(FilterConfig config) {
    GeofenceSettings.Builder builder = GeofenceSettings.builder();
    List<String> given = new ArrayList<>(Collections.list(config.getInitParameterNames()));
    for (String name : given) {
      BiConsumer<GeofenceSettings.Builder, String> setter = PARAMS.get(name);
      if (setter == null) {
        throw new IllegalArgumentException(
            "unknown init-param '"
                + name
                + "'; expected one of "
                + String.join(", ", PARAMS.keySet())
                + ".");
      }
      String value = config.getInitParameter(name);
      try {
        setter.accept(builder, value == null ? "" : value);
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("init-param '" + name + "': " + e.getMessage(), e);
      }
    }
    readPrivacy(builder, config);
    return builder.build();
  }

  /**
   * Reads audit-ip-privacy, principal-privacy and the one audit-hmac-key-file both of them hash
   * with: the key is read once, and only when a mode needs it.
   */
  private static void readPrivacy(GeofenceSettings.Builder builder, FilterConfig config) {
    String ipMode = config.getInitParameter("audit-ip-privacy");
    String principalMode = config.getInitParameter("principal-privacy");
    String keyFile = config.getInitParameter("audit-hmac-key-file");
    String source = config.getInitParameter("principal-source");
    boolean principals = source != null && !PrincipalSource.parse(source).isNone();
    String ip = ipMode == null ? "full" : ipMode.trim().toLowerCase(Locale.ROOT);
    // hmac by default: a principal may be an API key, which the trail must not hold in full.
    String principal =
        principalMode == null ? "hmac" : principalMode.trim().toLowerCase(Locale.ROOT);
    if (!List.of("full", "truncated", "hmac").contains(ip)) {
      throw new IllegalArgumentException(
          "init-param 'audit-ip-privacy': '"
              + ipMode
              + "' is not a privacy mode; expected full, truncated or hmac.");
    }
    if (!List.of("full", "hmac").contains(principal)) {
      throw new IllegalArgumentException(
          "init-param 'principal-privacy': '"
              + principalMode
              + "' is not a privacy mode; expected hmac (the default) or full.");
    }
    boolean principalHmac = principals && principal.equals("hmac");
    if (keyFile != null && !ip.equals("hmac") && !principalHmac) {
      throw new IllegalArgumentException(
          "init-param 'audit-ip-privacy': audit-hmac-key-file is set but neither audit-ip-privacy"
              + " ('"
              + ip
              + "') nor principal-privacy uses hmac; set one of them to hmac or remove the key"
              + " file.");
    }
    byte[] key = null;
    if (ip.equals("hmac") || principalHmac) {
      String needing = ip.equals("hmac") ? "audit-ip-privacy" : "principal-privacy";
      if (keyFile == null) {
        throw new IllegalArgumentException(
            "init-param '"
                + needing
                + "': mode hmac"
                + (needing.equals("principal-privacy") && principalMode == null
                    ? " (the default when principal-source is set)"
                    : "")
                + " needs audit-hmac-key-file, a file holding the key in hex"
                + (needing.equals("principal-privacy")
                    ? "; or set principal-privacy to full to record principals as they are."
                    : "."));
      }
      try {
        key = IpPrivacy.readKey(path(keyFile));
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(
            "init-param 'audit-hmac-key-file' (for " + needing + " hmac): " + e.getMessage(), e);
      }
    }
    try {
      builder.auditIpPrivacy(
          switch (ip) {
            case "hmac" -> IpPrivacy.hmac(key);
            case "truncated" -> IpPrivacy.truncated();
            default -> IpPrivacy.full();
          });
    } catch (RuntimeException e) {
      throw new IllegalArgumentException("init-param 'audit-ip-privacy': " + e.getMessage(), e);
    }
    if (principals) {
      try {
        builder.principalPrivacy(
            principalHmac ? PrincipalPrivacy.hmac(key) : PrincipalPrivacy.full());
      } catch (RuntimeException e) {
        throw new IllegalArgumentException("init-param 'principal-privacy': " + e.getMessage(), e);
      }
    }
  }

  static Path path(String text) {
    if (text.isBlank()) {
      throw new IllegalArgumentException("the path is empty; expected a file path.");
    }
    try {
      return Path.of(text.trim());
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a file path: " + e.getReason() + ".", e);
    }
  }

  static boolean bool(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default ->
          throw new IllegalArgumentException(
              "'" + text + "' is not a boolean; expected true or false.");
    };
  }

  static long number(String text) {
    try {
      return Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + text + "' is not a whole number.", e);
    }
  }

  /** A duration in the one grammar of every duration setting: see {@link Durations#parse}. */
  static Duration duration(String text) {
    return Durations.parse(text);
  }

  /** A size in bytes: a number, optionally with KiB, MiB or GiB ({@code 4MiB}). */
  static long size(String text) {
    String t = text.trim();
    long unit = 1;
    String digits = t;
    for (String[] suffix :
        new String[][] {{"KiB", "1024"}, {"MiB", "1048576"}, {"GiB", "1073741824"}}) {
      if (t.regionMatches(true, t.length() - 3, suffix[0], 0, 3) && t.length() > 3) {
        unit = Long.parseLong(suffix[1]);
        digits = t.substring(0, t.length() - 3).trim();
      }
    }
    try {
      return Math.multiplyExact(Long.parseLong(digits), unit);
    } catch (NumberFormatException | ArithmeticException e) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' is not a size; expected bytes, or a number with KiB, MiB"
              + " or GiB such as 4MiB.",
          e);
    }
  }

  static URI uri(String text) {
    try {
      return new URI(text.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("'" + text + "' is not a URL: " + e.getReason() + ".", e);
    }
  }

  static Durability durability(String text) {
    return Durability.parse(text);
  }

  static <E extends Enum<E>> E choice(String text, Class<E> type, String expected) {
    try {
      return Enum.valueOf(type, text.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "'" + text + "' is not known; expected " + expected + ".", e);
    }
  }
}
