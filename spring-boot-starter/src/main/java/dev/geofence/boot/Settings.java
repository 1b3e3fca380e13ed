package dev.geofence.boot;

import dev.geofence.filter.GeofenceSettings;
import dev.geofence.filter.PrincipalSource;
import dev.geofence.filter.address.ProxyHeader;
import dev.geofence.filter.address.TrustedProxies;
import dev.geofence.filter.audit.Durability;
import dev.geofence.filter.audit.IpPrivacy;
import dev.geofence.filter.audit.PrincipalPrivacy;
import java.io.File;
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import org.springframework.util.unit.DataSize;

/**
 * Reads {@link GeofenceProperties} into {@link GeofenceSettings}: each property set is handed to
 * its builder method, and the first the builder refuses fails with the property's name. Unset
 * properties keep the builder's defaults, so the filter's documentation of a default holds here
 * too. Stateless.
 */
final class Settings {

  /** The filter names the init-param a start failure comes from; this is its property. */
  private static final Map<String, String> PROPERTY_OF_INIT_PARAM =
      Map.of(
          "policy-file", "geofence.policy-file",
          "geoip-database", "geofence.geoip.database",
          "anonymous-database", "geofence.geoip.anonymous-database",
          "audit-directory", "geofence.audit.directory");

  private static final String SEE = " Every property is described in docs/spring-boot.md.";

  private Settings() {}

  /**
   * The settings these properties describe.
   *
   * @throws GeofenceConfigurationException naming the first property that is missing or bad
   */
  static GeofenceSettings of(GeofenceProperties p) {
    GeofenceSettings.Builder b = GeofenceSettings.builder();
    GeofenceProperties.Geoip geoip = p.getGeoip();
    GeofenceProperties.Audit audit = p.getAudit();
    if (p.getPolicyFile() == null) {
      throw new GeofenceConfigurationException(
          "geofence.policy-file",
          "no policy file is set.",
          "Set geofence.policy-file to the region policy (YAML), e.g. /etc/geofence/policy.yaml.",
          null);
    }
    if (geoip.getDatabase() == null) {
      throw new GeofenceConfigurationException(
          "geofence.geoip.database",
          "no country database is set.",
          "Set geofence.geoip.database to a GeoIP2 or GeoLite2 Country or City database (.mmdb).",
          null);
    }
    set("geofence.policy-file", p.getPolicyFile(), f -> b.policyFile(f.toPath()));
    set("geofence.policy-watch-interval", p.getPolicyWatchInterval(), b::policyWatchInterval);
    set("geofence.policy-url", p.getPolicyUrl(), b::policyUrl);
    set(
        "geofence.trusted-proxies",
        p.getTrustedProxies(),
        list -> b.trustedProxies(TrustedProxies.parse(String.join(",", list))));
    set("geofence.proxy-header", p.getProxyHeader(), h -> b.proxyHeader(ProxyHeader.of(h.trim())));
    set("geofence.max-header-length", p.getMaxHeaderLength(), b::maxHeaderLength);
    set("geofence.max-hops", p.getMaxHops(), b::maxHops);
    set("geofence.routes", p.getRoutes(), b::routes);
    set("geofence.unmatched", p.getUnmatched(), b::unmatched);
    set("geofence.max-body-size", p.getMaxBodySize(), s -> b.maxBodySize(s.toBytes()));
    set("geofence.max-inflated-size", p.getMaxInflatedSize(), s -> b.maxInflatedSize(s.toBytes()));
    set("geofence.decompress", p.getDecompress(), b::decompress);
    set("geofence.block-status", p.getBlockStatus(), b::blockStatus);
    set("geofence.refusal-format", p.getRefusalFormat(), b::refusalFormat);
    set("geofence.request-id-header", p.getRequestIdHeader(), h -> b.requestIdHeader(h.trim()));
    set("geofence.usage-store", p.getUsageStore(), b::usageStore);
    set("geofence.usage-store-failure", p.getUsageStoreFailure(), b::usageStoreFailure);
    set("geofence.usage-store-timeout", p.getUsageStoreTimeout(), b::usageStoreTimeout);
    set("geofence.usage-max-keys", p.getUsageMaxKeys(), b::usageMaxKeys);
    set("geofence.decision-headers", p.getDecisionHeaders(), b::decisionHeaders);
    set("geofence.requested-model-header", p.getRequestedModelHeader(), b::requestedModelHeader);
    set("geofence.served-model-header", p.getServedModelHeader(), b::servedModelHeader);

    set("geofence.geoip.database", geoip.getDatabase(), f -> b.geoipDatabase(f.toPath()));
    set(
        "geofence.geoip.anonymous-database",
        geoip.getAnonymousDatabase(),
        f -> b.anonymousDatabase(f.toPath()));
    set("geofence.geoip.schema", geoip.getSchema(), b::geoSchema);
    set("geofence.geoip.flat-country-field", geoip.getFlatCountryField(), b::flatCountryField);
    set("geofence.geoip.cache-size", geoip.getCacheSize(), b::cacheSize);
    set("geofence.geoip.max-age", geoip.getMaxAge(), age -> maxAge(b, age));
    set(
        "geofence.geoip.stale-is-unavailable",
        geoip.getStaleIsUnavailable(),
        b::staleIsUnavailable);
    set("geofence.geoip.missing", geoip.getMissing(), b::missingDatabase);
    set("geofence.geoip.watch-interval", geoip.getWatchInterval(), b::databaseWatchInterval);

    set("geofence.audit.enabled", audit.isEnabled(), b::auditEnabled);
    set("geofence.audit.directory", audit.getDirectory(), f -> b.auditDirectory(f.toPath()));
    set(
        "geofence.audit.durability",
        audit.getDurability(),
        d -> b.auditDurability(Durability.parse(d)));
    set("geofence.audit.max-file-size", audit.getMaxFileSize(), s -> b.auditMaxFileSize(bytes(s)));
    set("geofence.audit.rotate-every", audit.getRotateEvery(), b::auditRotateEvery);
    set("geofence.audit.scope", audit.getScope(), b::auditScope);
    set(
        "geofence.principal-source",
        p.getPrincipalSource(),
        v -> b.principalSource(PrincipalSource.parse(v)));
    boolean principals =
        p.getPrincipalSource() != null && !PrincipalSource.parse(p.getPrincipalSource()).isNone();
    // hmac by default: a principal may be an API key, which the trail must not hold in full.
    boolean principalHmac =
        principals && p.getPrincipalPrivacy() != GeofenceProperties.PrincipalPrivacyMode.FULL;
    if (audit.getIpPrivacy() != null || audit.getHmacKeyFile() != null) {
      set(
          "geofence.audit.ip-privacy",
          audit.getIpPrivacy() == null
              ? GeofenceProperties.IpPrivacyMode.FULL
              : audit.getIpPrivacy(),
          mode -> b.auditIpPrivacy(privacy(mode, audit.getHmacKeyFile(), principalHmac)));
    }
    if (principals) {
      set(
          "geofence.principal-privacy",
          principalHmac
              ? GeofenceProperties.PrincipalPrivacyMode.HMAC
              : GeofenceProperties.PrincipalPrivacyMode.FULL,
          mode ->
              b.principalPrivacy(
                  mode == GeofenceProperties.PrincipalPrivacyMode.FULL
                      ? PrincipalPrivacy.full()
                      : PrincipalPrivacy.hmac(hmacKey(audit.getHmacKeyFile(), true))));
    }
    try {
      return b.build();
    } catch (IllegalStateException e) {
      // Both required files were checked above; what is left is the body limits.
      throw new GeofenceConfigurationException(
          "geofence.max-inflated-size", e.getMessage(), "Set it at least as large." + SEE, e);
    }
  }

  /**
   * The failure of a filter that would not start (policy, database, audit trail), named by the
   * property of the init-param its message begins with.
   */
  static GeofenceConfigurationException startFailure(RuntimeException e) {
    String message = e.getMessage() == null ? e.toString() : e.getMessage();
    int colon = message.indexOf(": ");
    String property = colon < 0 ? null : PROPERTY_OF_INIT_PARAM.get(message.substring(0, colon));
    if (property == null) {
      return new GeofenceConfigurationException("geofence", message, SEE.strip(), e);
    }
    String action =
        switch (property) {
          case "geofence.policy-file" ->
              "Point geofence.policy-file at a readable policy and fix what is named above;"
                  + " `geofence policy validate FILE` checks a policy before deployment.";
          case "geofence.geoip.database", "geofence.geoip.anonymous-database" ->
              "Point "
                  + property
                  + " at a readable database of the kind named above (GeoIP2 or GeoLite2"
                  + " Country or City for geofence.geoip.database, GeoIP2 Anonymous IP for the"
                  + " anonymous one), or set geofence.geoip.missing=unknown to start without"
                  + " the country database.";
          default ->
              "Set geofence.audit.directory to a writable directory, or let the logger"
                  + " geofence.audit log at INFO.";
        };
    return new GeofenceConfigurationException(property, message.substring(colon + 2), action, e);
  }

  private static <T> void set(String property, T value, Consumer<T> setter) {
    if (value == null) {
      return;
    }
    try {
      setter.accept(value);
    } catch (IllegalArgumentException | IllegalStateException e) {
      throw new GeofenceConfigurationException(
          property, e.getMessage(), "Correct " + property + "." + SEE, e);
    }
  }

  private static void maxAge(GeofenceSettings.Builder b, Duration age) {
    if (age.isZero()) {
      b.noDatabaseMaxAge();
    } else {
      b.databaseMaxAge(age);
    }
  }

  private static long bytes(DataSize size) {
    return size.toBytes();
  }

  private static IpPrivacy privacy(
      GeofenceProperties.IpPrivacyMode mode, File keyFile, boolean principalHmac) {
    if (mode != GeofenceProperties.IpPrivacyMode.HMAC) {
      if (keyFile != null && !principalHmac) {
        throw new IllegalArgumentException(
            "geofence.audit.hmac-key-file is set but the privacy mode is "
                + mode.name().toLowerCase(java.util.Locale.ROOT)
                + " and principal-privacy is not hmac; set geofence.audit.ip-privacy=hmac or"
                + " remove the key file.");
      }
      return mode == GeofenceProperties.IpPrivacyMode.FULL
          ? IpPrivacy.full()
          : IpPrivacy.truncated();
    }
    return IpPrivacy.hmac(hmacKey(keyFile, false));
  }

  /** The one key both privacy modes hash with, read from geofence.audit.hmac-key-file. */
  private static byte[] hmacKey(File keyFile, boolean forPrincipal) {
    if (keyFile == null) {
      throw new IllegalArgumentException(
          "mode hmac"
              + (forPrincipal ? " (the default when geofence.principal-source is set)" : "")
              + " needs geofence.audit.hmac-key-file, a file holding the key in hex"
              + (forPrincipal ? "; or set geofence.principal-privacy=full." : "."));
    }
    return IpPrivacy.readKey(keyFile.toPath());
  }
}
