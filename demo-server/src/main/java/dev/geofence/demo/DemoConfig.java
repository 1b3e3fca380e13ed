package dev.geofence.demo;

import dev.geofence.filter.GeofenceSettings;
import dev.geofence.filter.PrincipalSource;
import dev.geofence.filter.UsageStoreFailure;
import dev.geofence.filter.address.Cidr;
import dev.geofence.filter.address.TrustedProxies;
import dev.geofence.filter.audit.Durability;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to run the demo server. Immutable; built by {@link #builder()}, which validates each option
 * when it is set.
 *
 * @param host the address to bind, a literal (never resolved); default {@code 127.0.0.1}
 * @param port the TCP port, 0 for any free one; default 8080
 * @param policy a policy file, or empty for the embedded {@code examples/policy.yaml}
 * @param geoip a country database, or empty for the embedded demo database
 * @param anonymousDb an optional GeoIP2 Anonymous IP database
 * @param trustedProxies whose {@code X-Forwarded-For} is believed; default loopback
 * @param audit the directory of the audit trail; default {@code geofence-audit}
 * @param auditSyncInterval empty (the default) to force each audit line to disk before its request
 *     is answered; an interval to force at most that often, with the library's default overflow
 *     policies (blocks and substitutions wait for their line, allowed requests do not)
 * @param geofence false to run the same server without the filter (the benchmark baseline)
 * @param auditSigningKey an Ed25519 private key (PKCS#8 PEM) that signs audit checkpoints; empty
 *     for none
 * @param shadowPolicy a shadow policy file, decided beside the policy and never enforced; a file
 *     that is missing or invalid is reported in the status and changes no answer
 * @param principalHeader the header naming the calling principal ({@code principal-source:
 *     header:NAME}), believed from the trusted proxies only; empty for no principal
 * @param usageStore where usage limits and country alerts are counted: {@code local} (the default)
 *     or a {@code redis://} URI shared by several demos
 * @param usageStoreFailure what a limited request gets while the Redis store is unreachable
 */
record DemoConfig(
    String host,
    int port,
    Optional<Path> policy,
    Optional<Path> geoip,
    Optional<Path> anonymousDb,
    TrustedProxies trustedProxies,
    Path audit,
    Optional<Duration> auditSyncInterval,
    boolean geofence,
    Optional<Path> auditSigningKey,
    Optional<Path> shadowPolicy,
    Optional<String> principalHeader,
    String usageStore,
    UsageStoreFailure usageStoreFailure) {

  static final String DEFAULT_HOST = "127.0.0.1";
  static final int DEFAULT_PORT = 8080;
  static final Path DEFAULT_AUDIT = Path.of("geofence-audit");

  /**
   * Loopback is trusted by default so that {@code curl -H 'X-Forwarded-For: ...'} can play any
   * caller.
   */
  static final TrustedProxies LOOPBACK =
      TrustedProxies.of(Cidr.parse("127.0.0.0/8"), Cidr.parse("::1"));

  DemoConfig {
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(geoip, "geoip");
    Objects.requireNonNull(anonymousDb, "anonymousDb");
    Objects.requireNonNull(trustedProxies, "trustedProxies");
    Objects.requireNonNull(audit, "audit");
    Objects.requireNonNull(auditSyncInterval, "auditSyncInterval");
    Objects.requireNonNull(auditSigningKey, "auditSigningKey");
    Objects.requireNonNull(shadowPolicy, "shadowPolicy");
    Objects.requireNonNull(principalHeader, "principalHeader");
    Objects.requireNonNull(usageStore, "usageStore");
    Objects.requireNonNull(usageStoreFailure, "usageStoreFailure");
  }

  static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link DemoConfig}; every option has a default. Not thread-safe. */
  static final class Builder {
    private String host = DEFAULT_HOST;
    private int port = DEFAULT_PORT;
    private Path policy;
    private Path geoip;
    private Path anonymousDb;
    private TrustedProxies trustedProxies = LOOPBACK;
    private Path audit = DEFAULT_AUDIT;
    private Duration auditSyncInterval;
    private Path auditSigningKey;
    private boolean geofence = true;
    private Path shadowPolicy;
    private String principalHeader;
    private String usageStore = "local";
    private UsageStoreFailure usageStoreFailure = UsageStoreFailure.LOCAL;

    private Builder() {}

    /** An IP address literal to bind; host names are refused so nothing is resolved. */
    Builder host(String host) {
      Objects.requireNonNull(host, "host");
      if (!isAddressLiteral(host)) {
        throw new IllegalArgumentException(
            "--host '"
                + host
                + "' is not an IP address; give one such as 127.0.0.1, 0.0.0.0 or ::1");
      }
      this.host = host;
      return this;
    }

    /** 0 to 65535; 0 picks a free port. */
    Builder port(int port) {
      if (port < 0 || port > 65_535) {
        throw new IllegalArgumentException(
            "--port " + port + " is out of range; expected 0 to 65535 (0 = any free port)");
      }
      this.port = port;
      return this;
    }

    Builder policy(Path policy) {
      this.policy = requireFile(policy, "--policy");
      return this;
    }

    Builder geoip(Path geoip) {
      this.geoip = requireFile(geoip, "--geoip");
      return this;
    }

    Builder anonymousDb(Path anonymousDb) {
      this.anonymousDb = requireFile(anonymousDb, "--anonymous-db");
      return this;
    }

    Builder trustedProxies(TrustedProxies trustedProxies) {
      this.trustedProxies = Objects.requireNonNull(trustedProxies, "trustedProxies");
      return this;
    }

    /** The audit directory; created if missing, refused if it is a regular file. */
    Builder audit(Path audit) {
      Objects.requireNonNull(audit, "audit");
      if (java.nio.file.Files.isRegularFile(audit)) {
        throw new IllegalArgumentException(
            "--audit '"
                + audit
                + "' is a file; give a directory, where the trail's .jsonl files are written");
      }
      this.audit = audit;
      return this;
    }

    /**
     * {@code each-record} (the default: every line forced to disk before its request is answered)
     * or an interval such as {@code 1s} or {@code 250ms} (from 1 ms to 1 min).
     */
    Builder auditDurability(String value) {
      Objects.requireNonNull(value, "value");
      if (value.equals("each-record")) {
        this.auditSyncInterval = null;
        return this;
      }
      Duration interval = interval(value);
      if (interval == null
          || interval.compareTo(Duration.ofMillis(1)) < 0
          || interval.compareTo(Duration.ofMinutes(1)) > 0) {
        throw new IllegalArgumentException(
            "--audit-durability '"
                + value
                + "' is not valid; expected each-record or an interval from 1ms to 1m such as 1s or 250ms");
      }
      this.auditSyncInterval = interval;
      return this;
    }

    /** An Ed25519 private key file that signs audit checkpoints. */
    Builder auditSigningKey(Path key) {
      this.auditSigningKey = requireFile(key, "--audit-signing-key");
      return this;
    }

    /**
     * Not checked here: a broken shadow file must not stop the demo, as it never stops the filter.
     */
    Builder shadowPolicy(Path shadowPolicy) {
      this.shadowPolicy = Objects.requireNonNull(shadowPolicy, "--shadow-policy");
      return this;
    }

    /** The header naming the principal, checked as the filter checks it. */
    Builder principalHeader(String header) {
      try {
        this.principalHeader = PrincipalSource.header(header).name().orElseThrow();
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--principal-header: " + e.getMessage(), e);
      }
      return this;
    }

    /** {@code local} or a {@code redis://} URI, checked as the filter checks it. */
    Builder usageStore(String uri) {
      try {
        GeofenceSettings.builder().usageStore(uri);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--" + e.getMessage(), e);
      }
      this.usageStore = uri;
      return this;
    }

    /** {@code local}, {@code allow} or {@code block}. */
    Builder usageStoreFailure(String mode) {
      try {
        this.usageStoreFailure = UsageStoreFailure.parse(mode);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--" + e.getMessage(), e);
      }
      return this;
    }

    Builder geofence(boolean geofence) {
      this.geofence = geofence;
      return this;
    }

    DemoConfig build() {
      return new DemoConfig(
          host,
          port,
          Optional.ofNullable(policy),
          Optional.ofNullable(geoip),
          Optional.ofNullable(anonymousDb),
          trustedProxies,
          audit,
          Optional.ofNullable(auditSyncInterval),
          geofence,
          Optional.ofNullable(auditSigningKey),
          Optional.ofNullable(shadowPolicy),
          Optional.ofNullable(principalHeader),
          usageStore,
          usageStoreFailure);
    }

    private static Path requireFile(Path path, String option) {
      Objects.requireNonNull(path, option);
      if (!java.nio.file.Files.isRegularFile(path)) {
        throw new IllegalArgumentException(
            option + " '" + path + "' is not a readable file; give the path of an existing file");
      }
      return path;
    }

    /** The interval of a durability other than each-record, in the filter's grammar; or null. */
    private static Duration interval(String text) {
      try {
        Durability durability = Durability.parse(text);
        return durability.isEachRecord() ? null : durability.interval();
      } catch (IllegalArgumentException e) {
        return null;
      }
    }

    private static boolean isAddressLiteral(String host) {
      // Parsing with Cidr keeps the check free of name resolution; a prefix length is not an
      // address.
      if (host.indexOf('/') >= 0) {
        return false;
      }
      try {
        Cidr.parse(host);
        return true;
      } catch (IllegalArgumentException e) {
        return false;
      }
    }
  }
}
