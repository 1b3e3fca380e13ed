package dev.geofence.filter;

import dev.geofence.filter.address.TrustedProxies;
import dev.geofence.filter.audit.AuditLog;
import dev.geofence.filter.audit.AuditRecord;
import dev.geofence.filter.audit.AuditSink;
import dev.geofence.filter.audit.AuditStats;
import dev.geofence.filter.audit.IpPrivacy;
import dev.geofence.mmdb.GeoIp2Records;
import dev.geofence.mmdb.MmdbWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Shared by the filter tests: a small policy in two versions, GeoIP databases written with the
 * project's writer, and an audit sink that keeps the JSON lines.
 *
 * <p>Callers, by address (tests reach the filter from 127.0.0.1, a trusted proxy, and name the
 * caller in {@code X-Forwarded-For}): {@link #US} allies (every tier), {@link #IR} sanctioned
 * (blocked), {@link #BR} rest of world (up to {@code mid-*}, bigger substituted), {@link #VPN} a DE
 * address flagged as a VPN (blocked by {@code anonymous}), {@link #BASE} a DE address whose users
 * represent the US (a base; the policy tests the location only, so it decides as DE), {@link
 * #NOWHERE} not in the database (unknown: {@code small-*} only, bigger blocked).
 */
public final class Fixtures {

  public static final String US = "198.51.100.7";
  public static final String IR = "203.0.113.9";
  public static final String BR = "192.0.2.44";
  public static final String VPN = "198.18.0.5";
  public static final String BASE = "198.18.1.5";
  public static final String NOWHERE = "100.64.0.1";
  public static final Instant BUILT = Instant.parse("2026-01-01T00:00:00Z");

  /** Version 1: BR may use up to mid-* and is substituted above. */
  public static final String POLICY_V1 = policy("1", "allow: advanced\n    over-limit: substitute");

  /** Version 2: BR is blocked outright. */
  public static final String POLICY_V2 = policy("2", "action: block");

  private Fixtures() {}

  private static String policy(String version, String rest) {
    return """
        policy: test-policy
        version: "%s"
        tiers:
          frontier: [big-*]
          advanced: [mid-*]
          standard: [small-*]
        unlisted-models: frontier
        substitutes:
          frontier: mid-1
          advanced: small-1
        rules:
          - name: sanctioned
            where: [IR]
            action: block
            basis: "Test sanctions programme"
          - name: allies
            where: [US, DE]
            allow: frontier
          - name: rest
            where: "*"
            %s
        unknown:
          allow: standard
          over-limit: block
        anonymous:
          action: block
        """
        .formatted(version, rest);
  }

  /** Writes the v1 policy and both databases into {@code dir}. */
  public static Files3 files(Path dir) {
    Path policy = write(dir.resolve("policy.yaml"), POLICY_V1);
    Path country = dir.resolve("country.mmdb");
    writeCountry(country);
    Path anonymous = dir.resolve("anonymous.mmdb");
    mmdb(
        anonymous,
        "GeoIP2-Anonymous-IP",
        MmdbWriter.builder()
            .databaseType("GeoIP2-Anonymous-IP")
            .buildEpoch(BUILT)
            .build()
            .insert(
                "198.18.0.0/24",
                GeoIp2Records.anonymousIp(GeoIp2Records.AnonymousFlag.ANONYMOUS_VPN)));
    return new Files3(policy, country, anonymous);
  }

  /** The policy file and the two databases. */
  public record Files3(Path policy, Path country, Path anonymous) {}

  static void writeCountry(Path file) {
    mmdb(
        file,
        "GeoIP2-Country",
        MmdbWriter.builder()
            .databaseType("GeoIP2-Country")
            .buildEpoch(BUILT)
            .build()
            .insert("198.51.100.0/24", GeoIp2Records.country("US"))
            .insert("203.0.113.0/24", GeoIp2Records.country("IR"))
            .insert("192.0.2.0/24", GeoIp2Records.country("BR"))
            .insert("198.18.0.0/24", GeoIp2Records.country("DE"))
            .insert(
                "198.18.1.0/24",
                GeoIp2Records.builder("DE")
                    .representedCountry("US", "military")
                    .toCountryRecord()));
  }

  private static void mmdb(Path file, String type, MmdbWriter writer) {
    try {
      writer.write(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes text next to the file and renames it over, so a watcher never sees half a file. */
  public static Path write(Path file, String text) {
    try {
      Path temp = file.resolveSibling(file.getFileName() + ".tmp");
      Files.writeString(temp, text);
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Settings for the test files: 127.0.0.1 and ::1 are trusted proxies, no file watching. */
  public static GeofenceSettings.Builder settings(Files3 files, CapturingSink sink) {
    return settings(files).auditLog(AuditLog.builder().sink(sink).build());
  }

  /** As {@link #settings(Files3, CapturingSink)}, with the audit log the settings build. */
  public static GeofenceSettings.Builder settings(Files3 files) {
    return GeofenceSettings.builder()
        .policyFile(files.policy())
        .policyWatchInterval(Duration.ZERO)
        .geoipDatabase(files.country())
        .anonymousDatabase(files.anonymous())
        .databaseWatchInterval(Duration.ZERO)
        .noDatabaseMaxAge()
        .trustedProxies(TrustedProxies.parse("127.0.0.1/32, ::1/128"));
  }

  /** Keeps each record and its JSON line (full addresses). */
  public static final class CapturingSink implements AuditSink {
    final List<AuditRecord> records = new CopyOnWriteArrayList<>();
    final List<String> lines = new CopyOnWriteArrayList<>();

    @Override
    public Delivery write(AuditRecord record, IpPrivacy privacy, Duration wait) {
      records.add(record);
      lines.add(record.toJson(privacy));
      return Delivery.WRITTEN;
    }

    @Override
    public AuditStats stats() {
      return new AuditStats(records.size(), 0, 0, Optional.empty());
    }

    @Override
    public void close() {}

    /** The record written last. */
    public AuditRecord last() {
      return records.get(records.size() - 1);
    }
  }
}
