package dev.geofence.filter.geo;

import dev.geofence.policy.Origin;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The answer to one lookup, and the {@link Origin} the region policy is given for it. Immutable;
 * collections are unmodifiable copies and never null.
 *
 * <p>The origin is computed once, when the result is made: a cached result costs nothing more per
 * request. An {@link Status#UNAVAILABLE} result has an unknown origin; so does a result without any
 * country.
 */
public final class GeoResult {

  /** Outcome of a lookup. */
  public enum Status {
    /** A record matched the address (its fields may still be empty). */
    FOUND,
    /** The database has no record for the address. */
    NOT_FOUND,
    /** The database is missing, stale (where so configured) or could not be read. */
    UNAVAILABLE
  }

  private static final GeoResult NOT_FOUND =
      new GeoResult(
          Status.NOT_FOUND,
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          List.of(),
          Set.of(),
          Optional.empty());
  private static final GeoResult UNAVAILABLE =
      new GeoResult(
          Status.UNAVAILABLE,
          Optional.empty(),
          Optional.empty(),
          Optional.empty(),
          List.of(),
          Set.of(),
          Optional.empty());

  private final Status status;
  private final Optional<String> country;
  private final Optional<String> registeredCountry;
  private final Optional<String> representedCountry;
  private final List<String> subdivisions;
  private final Set<AnonymizerFlag> anonymizer;
  private final Optional<String> network; // null while only the network's parts are known
  private final Network networkParts; // set instead of network on the look-up path
  private final Origin origin;

  /**
   * Validates and copies; a null collection or Optional is rejected.
   *
   * @param status whether the address was found, not found, or the data was unavailable
   * @param country where the address is used, ISO 3166-1 alpha-2 upper case ({@code "DE"}); may be
   *     empty even when found (some networks only have a registered country)
   * @param registeredCountry where the network is registered, ISO 3166-1 alpha-2
   * @param representedCountry the country its users represent (e.g. a military base abroad)
   * @param subdivisions ISO 3166-2 codes in full ({@code "UA-43"}), most general first
   * @param anonymizer anonymizer flags from the anonymous-IP database or the record's traits
   * @param network the matched network in CIDR form, e.g. {@code "192.0.2.0/24"}
   */
  public GeoResult(
      Status status,
      Optional<String> country,
      Optional<String> registeredCountry,
      Optional<String> representedCountry,
      List<String> subdivisions,
      Set<AnonymizerFlag> anonymizer,
      Optional<String> network) {
    this(
        status,
        country,
        registeredCountry,
        representedCountry,
        subdivisions,
        anonymizer,
        Objects.requireNonNull(network, "network"),
        null);
  }

  /**
   * A result whose network text is made only when asked for: the look-up path, where only {@code
   * explain} and the {@code lookup} command read it.
   */
  GeoResult(
      Status status,
      Optional<String> country,
      Optional<String> registeredCountry,
      Optional<String> representedCountry,
      List<String> subdivisions,
      Set<AnonymizerFlag> anonymizer,
      Network network) {
    this(
        status,
        country,
        registeredCountry,
        representedCountry,
        subdivisions,
        anonymizer,
        null,
        Objects.requireNonNull(network, "network"));
  }

  private GeoResult(
      Status status,
      Optional<String> country,
      Optional<String> registeredCountry,
      Optional<String> representedCountry,
      List<String> subdivisions,
      Set<AnonymizerFlag> anonymizer,
      Optional<String> network,
      Network networkParts) {
    this.status = Objects.requireNonNull(status, "status");
    this.country = Objects.requireNonNull(country, "country");
    this.registeredCountry = Objects.requireNonNull(registeredCountry, "registeredCountry");
    this.representedCountry = Objects.requireNonNull(representedCountry, "representedCountry");
    this.network = network;
    this.networkParts = networkParts;
    this.subdivisions = List.copyOf(subdivisions);
    this.anonymizer = anonymizer.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(anonymizer));
    this.origin =
        status == Status.UNAVAILABLE
            ? Origin.unknown()
            : new Origin(
                country.orElse(null),
                registeredCountry.orElse(null),
                representedCountry.orElse(null),
                this.subdivisions,
                !this.anonymizer.isEmpty());
  }

  /** The shared result for an address the database has no record for. */
  public static GeoResult notFound() {
    return NOT_FOUND;
  }

  /** The shared result for when no database can answer. */
  public static GeoResult unavailable() {
    return UNAVAILABLE;
  }

  /** Whether the address was found, not found, or the data was unavailable. */
  public Status status() {
    return status;
  }

  /** Where the address is used, ISO 3166-1 alpha-2 upper case; may be empty even when found. */
  public Optional<String> country() {
    return country;
  }

  /** Where the network is registered, ISO 3166-1 alpha-2. */
  public Optional<String> registeredCountry() {
    return registeredCountry;
  }

  /** The country the address's users represent (e.g. a military base abroad). */
  public Optional<String> representedCountry() {
    return representedCountry;
  }

  /** ISO 3166-2 codes in full ({@code "UA-43"}), most general first. */
  public List<String> subdivisions() {
    return subdivisions;
  }

  /** Anonymizer flags from the anonymous-IP database or the record's traits. */
  public Set<AnonymizerFlag> anonymizer() {
    return anonymizer;
  }

  /** The matched network in CIDR form, e.g. {@code "192.0.2.0/24"}. */
  public Optional<String> network() {
    return network != null ? network : Optional.of(networkParts.text());
  }

  /** A matched network as the database gives it: its address bytes and prefix length. */
  record Network(byte[] address, int prefixLength) {
    String text() {
      return OpenDatabase.cidr(address.clone(), prefixLength);
    }
  }

  /** What the region policy is given for this result. */
  public Origin origin() {
    return origin;
  }

  /** Returns true if the status is {@link Status#FOUND}. */
  public boolean found() {
    return status == Status.FOUND;
  }

  /** Returns true if the address carries the flag. */
  public boolean is(AnonymizerFlag flag) {
    return anonymizer.contains(flag);
  }

  /** Returns this result with the anonymizer flags replaced. */
  GeoResult withAnonymizer(Set<AnonymizerFlag> flags) {
    return new GeoResult(
        status,
        country,
        registeredCountry,
        representedCountry,
        subdivisions,
        flags,
        network,
        networkParts);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GeoResult other
        && status == other.status
        && country.equals(other.country)
        && registeredCountry.equals(other.registeredCountry)
        && representedCountry.equals(other.representedCountry)
        && subdivisions.equals(other.subdivisions)
        && anonymizer.equals(other.anonymizer)
        && network().equals(other.network());
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        status, country, registeredCountry, representedCountry, subdivisions, anonymizer, network);
  }

  @Override
  public String toString() {
    return "GeoResult[status="
        + status
        + ", country="
        + country
        + ", registeredCountry="
        + registeredCountry
        + ", representedCountry="
        + representedCountry
        + ", subdivisions="
        + subdivisions
        + ", anonymizer="
        + anonymizer
        + ", network="
        + network()
        + "]";
  }
}
