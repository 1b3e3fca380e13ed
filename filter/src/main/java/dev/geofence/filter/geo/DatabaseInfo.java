package dev.geofence.filter.geo;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Objects;

/**
 * Provenance of an open database, for audit records and status pages. Immutable.
 *
 * @param path the path the database was configured with (not the symlink target)
 * @param databaseType the metadata {@code database_type}, e.g. {@code GeoLite2-Country}
 * @param buildTime the metadata {@code build_epoch}
 * @param sha256 lower-case hex SHA-256 of the exact bytes being served
 * @param schema how records are read: {@link Schema#GEOIP2} or {@link Schema#FLAT}
 * @param stale true if the database is older than the configured maximum age at the time this
 *     record was made
 */
public record DatabaseInfo(
    Path path,
    String databaseType,
    Instant buildTime,
    String sha256,
    Schema schema,
    boolean stale) {

  /** How records of a country database are read. */
  public enum Schema {
    /** A setting only: detect from the metadata and a probe of records. */
    AUTO,
    /** GeoIP2 / GeoLite2 / DB-IP records: {@code country.iso_code}, {@code subdivisions}, ... */
    GEOIP2,
    /** Flat records with the country code at a configured field path, e.g. {@code country_code}. */
    FLAT
  }

  /** Rejects nulls. */
  public DatabaseInfo {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(databaseType, "databaseType");
    Objects.requireNonNull(buildTime, "buildTime");
    Objects.requireNonNull(sha256, "sha256");
    Objects.requireNonNull(schema, "schema");
  }

  DatabaseInfo withStale(boolean nowStale) {
    return nowStale == stale
        ? this
        : new DatabaseInfo(path, databaseType, buildTime, sha256, schema, nowStale);
  }
}
