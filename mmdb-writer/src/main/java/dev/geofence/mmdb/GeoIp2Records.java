package dev.geofence.mmdb;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Records in the shapes GeoIP2 readers expect, for building test and demo databases: Country, City
 * (with subdivisions), Enterprise, Anonymous IP, and flat {@code {"country_code": "US"}} records as
 * in DB-IP-style and IPinfo-style country databases.
 *
 * <p>Country codes are ISO 3166-1 alpha-2 ({@code "DE"}); subdivisions are ISO 3166-2, given either
 * in full ({@code "UA-43"}) or as the part after the dash ({@code "43"}); GeoIP2 stores the part
 * after the dash. All methods return new immutable maps and throw {@link IllegalArgumentException}
 * for a malformed code.
 */
public final class GeoIp2Records {

  /** Anonymizer flags of GeoIP2 Anonymous IP records (and Enterprise/Insights traits). */
  public enum AnonymousFlag {
    ANONYMOUS_VPN("is_anonymous_vpn"),
    HOSTING_PROVIDER("is_hosting_provider"),
    PUBLIC_PROXY("is_public_proxy"),
    RESIDENTIAL_PROXY("is_residential_proxy"),
    TOR_EXIT_NODE("is_tor_exit_node");

    private final String key;

    AnonymousFlag(String key) {
      this.key = key;
    }

    /** Returns the record key, e.g. {@code is_tor_exit_node}. */
    public String key() {
      return key;
    }
  }

  /**
   * The legacy traits of GeoIP2 Country, City and Enterprise records. MaxMind deprecated them in
   * favour of the Anonymous IP database, but databases in use still carry them, so test databases
   * need them too.
   */
  public enum LegacyTrait {
    ANONYMOUS_PROXY("is_anonymous_proxy"),
    SATELLITE_PROVIDER("is_satellite_provider");

    private final String key;

    LegacyTrait(String key) {
      this.key = key;
    }

    /** Returns the key under {@code traits}, e.g. {@code is_anonymous_proxy}. */
    public String key() {
      return key;
    }
  }

  private GeoIp2Records() {}

  /** A GeoIP2 Country record whose location and registered country are both {@code country}. */
  public static Map<String, Object> country(String country) {
    return builder(country).toCountryRecord();
  }

  /** A GeoIP2 City record with the given subdivisions, most general first. */
  public static Map<String, Object> city(String country, String... subdivisions) {
    return builder(country).subdivisions(subdivisions).toCityRecord();
  }

  /** A GeoIP2 Enterprise record: a City record with confidences and anonymizer traits. */
  public static Map<String, Object> enterprise(
      String country, List<String> subdivisions, Set<AnonymousFlag> flags) {
    return builder(country)
        .subdivisions(subdivisions.toArray(String[]::new))
        .anonymizer(flags)
        .toEnterpriseRecord();
  }

  /**
   * A GeoIP2 Anonymous IP record: {@code is_anonymous} plus each given flag set to true (keys of
   * false flags are left out, as in MaxMind's databases). With no flags, an empty record.
   */
  public static Map<String, Object> anonymousIp(AnonymousFlag... flags) {
    return anonymizerFlags(Set.of(flags));
  }

  /** A flat record {@code {"country_code": country}}. */
  public static Map<String, Object> flat(String country) {
    return flat("country_code", country);
  }

  /**
   * A flat record with the country code at a dotted field path: {@code flat("country.iso_code",
   * "US")} is {@code {"country": {"iso_code": "US"}}}.
   */
  public static Map<String, Object> flat(String fieldPath, String country) {
    Objects.requireNonNull(fieldPath, "fieldPath");
    String[] keys = fieldPath.split("\\.", -1);
    for (String key : keys) {
      if (key.isEmpty()) {
        throw new IllegalArgumentException(
            "Field path '"
                + fieldPath
                + "' has an empty part; expected e.g. country_code or country.iso_code.");
      }
    }
    Object value = countryCode(country);
    for (int i = keys.length - 1; i >= 0; i--) {
      value = Map.of(keys[i], value);
    }
    @SuppressWarnings("unchecked")
    Map<String, Object> record = (Map<String, Object>) value;
    return record;
  }

  /** Starts a GeoIP2 record for a location country. */
  public static Builder builder(String country) {
    return new Builder(countryCode(country));
  }

  static String countryCode(String code) {
    Objects.requireNonNull(code, "country");
    if (code.length() != 2
        || !Character.isLetter(code.charAt(0))
        || !Character.isLetter(code.charAt(1))
        || code.charAt(0) > 'z'
        || code.charAt(1) > 'z') {
      throw new IllegalArgumentException(
          "Country code '"
              + code
              + "' is not ISO 3166-1 alpha-2; expected two letters such as DE.");
    }
    return code.toUpperCase(Locale.ROOT);
  }

  private static Map<String, Object> anonymizerFlags(Set<AnonymousFlag> flags) {
    Map<String, Object> record = new LinkedHashMap<>();
    if (!flags.isEmpty()) {
      record.put("is_anonymous", true);
    }
    for (AnonymousFlag flag : AnonymousFlag.values()) {
      if (flags.contains(flag)) {
        record.put(flag.key(), true);
      }
    }
    return Map.copyOf(record);
  }

  /** Builds one GeoIP2-schema record; not thread-safe. */
  public static final class Builder {
    private final String country;
    private String registeredCountry;
    private String representedCountry;
    private String representedType;
    private final List<String> subdivisions = new ArrayList<>();
    private Set<AnonymousFlag> flags = Set.of();
    private Set<LegacyTrait> legacyTraits = Set.of();

    private Builder(String country) {
      this.country = country;
      this.registeredCountry = country;
    }

    /** The country where the network is registered; default the location country. */
    public Builder registeredCountry(String code) {
      this.registeredCountry = countryCode(code);
      return this;
    }

    /** The country represented by users of the network, e.g. a military base; default none. */
    public Builder representedCountry(String code, String type) {
      Objects.requireNonNull(type, "type");
      this.representedCountry = countryCode(code);
      this.representedType = type;
      return this;
    }

    /** Subdivisions, most general first, as {@code "UA-43"} or {@code "43"}. */
    public Builder subdivisions(String... codes) {
      for (String code : codes) {
        Objects.requireNonNull(code, "subdivision");
        String part = code.startsWith(country + "-") ? code.substring(3) : code;
        if (part.isEmpty()
            || part.length() > 3
            || !part.chars().allMatch(Character::isLetterOrDigit)) {
          throw new IllegalArgumentException(
              "Subdivision '"
                  + code
                  + "' is not an ISO 3166-2 code of "
                  + country
                  + "; expected e.g. "
                  + country
                  + "-BY or BY.");
        }
        subdivisions.add(part.toUpperCase(Locale.ROOT));
      }
      return this;
    }

    /** Anonymizer traits (Enterprise records only). */
    public Builder anonymizer(Set<AnonymousFlag> flags) {
      this.flags = Set.copyOf(flags);
      return this;
    }

    /**
     * Legacy traits ({@code is_anonymous_proxy}, {@code is_satellite_provider}), written under
     * {@code traits} in Country, City and Enterprise records alike; default none.
     */
    public Builder legacyTraits(LegacyTrait... traits) {
      this.legacyTraits = Set.copyOf(List.of(traits)); // List.of refuses nulls; repeats are fine
      return this;
    }

    /** Returns a Country record: continent-free, with country and registered country. */
    public Map<String, Object> toCountryRecord() {
      return build(false, false);
    }

    /** Returns a City record: a Country record plus subdivisions. */
    public Map<String, Object> toCityRecord() {
      return build(true, false);
    }

    /** Returns an Enterprise record: a City record plus confidences and traits. */
    public Map<String, Object> toEnterpriseRecord() {
      return build(true, true);
    }

    private Map<String, Object> build(boolean withSubdivisions, boolean enterprise) {
      Map<String, Object> record = new LinkedHashMap<>();
      record.put("country", place(country, enterprise));
      record.put("registered_country", place(registeredCountry, false));
      if (representedCountry != null) {
        Map<String, Object> represented = new LinkedHashMap<>(place(representedCountry, false));
        represented.put("type", representedType);
        record.put("represented_country", represented);
      }
      if (withSubdivisions && !subdivisions.isEmpty()) {
        List<Object> list = new ArrayList<>();
        for (String code : subdivisions) {
          list.add(place(code, enterprise));
        }
        record.put("subdivisions", list);
      }
      Map<String, Object> traits = new LinkedHashMap<>();
      if (enterprise) {
        traits.putAll(anonymizerFlags(flags));
        traits.put("user_type", "residential");
      }
      for (LegacyTrait trait : LegacyTrait.values()) {
        if (legacyTraits.contains(trait)) {
          traits.put(trait.key(), true);
        }
      }
      if (!traits.isEmpty()) {
        record.put("traits", traits);
      }
      return record;
    }

    private static Map<String, Object> place(String isoCode, boolean withConfidence) {
      Map<String, Object> place = new LinkedHashMap<>();
      place.put("iso_code", isoCode);
      if (withConfidence) {
        place.put("confidence", MmdbValue.uint16(90));
      }
      return place;
    }
  }
}
