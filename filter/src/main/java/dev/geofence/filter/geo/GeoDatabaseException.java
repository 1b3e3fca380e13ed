package dev.geofence.filter.geo;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A database could not be opened or reloaded. The message is one sentence naming the file, what was
 * wrong and what is accepted; {@link #reason()} and {@link #path()} carry the same as objects.
 */
public final class GeoDatabaseException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** Why a database was refused. */
  public enum Reason {
    /** The file does not exist. */
    MISSING,
    /** The file exists but could not be read. */
    UNREADABLE,
    /** The file is not a valid MaxMind DB (corrupt or truncated). */
    CORRUPT,
    /** A valid database of the wrong kind, e.g. an ASN database given as the country database. */
    WRONG_TYPE,
    /** The records match neither the GeoIP2 schema nor the configured flat field. */
    UNKNOWN_SCHEMA
  }

  private final transient Path path;
  private final Reason reason;

  GeoDatabaseException(Path path, Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.path = Objects.requireNonNull(path, "path");
    this.reason = Objects.requireNonNull(reason, "reason");
  }

  /** Returns the database file concerned. */
  public Path path() {
    return path;
  }

  /** Returns why the database was refused. */
  public Reason reason() {
    return reason;
  }
}
