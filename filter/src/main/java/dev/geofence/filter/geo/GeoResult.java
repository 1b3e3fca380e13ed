package dev.geofence.filter.geo;

import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The answer to one lookup. Immutable; collections are unmodifiable copies and never null.
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
public record GeoResult(
    Status status,
    Optional<String> country,
    Optional<String> registeredCountry,
    Optional<String> representedCountry,
    List<String> subdivisions,
    Set<AnonymizerFlag> anonymizer,
    Optional<String> network) {

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

  /** Validates and copies; a null collection or Optional is rejected. */
  public GeoResult {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(country, "country");
    Objects.requireNonNull(registeredCountry, "registeredCountry");
    Objects.requireNonNull(representedCountry, "representedCountry");
    Objects.requireNonNull(network, "network");
    subdivisions = List.copyOf(subdivisions);
    anonymizer = anonymizer.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(anonymizer));
  }

  /** The shared result for an address the database has no record for. */
  public static GeoResult notFound() {
    return NOT_FOUND;
  }

  /** The shared result for when no database can answer. */
  public static GeoResult unavailable() {
    return UNAVAILABLE;
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
        status, country, registeredCountry, representedCountry, subdivisions, flags, network);
  }
}
