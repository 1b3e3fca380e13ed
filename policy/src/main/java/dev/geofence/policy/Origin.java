package dev.geofence.policy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Where a request comes from, as a geolocation look-up reports it. Country fields are ISO 3166-1
 * alpha-2 codes or {@code null} when the look-up has none; {@code subdivisions} are ISO 3166-2
 * codes of the location country (such as {@code UA-43}), most general first, never null. Codes are
 * trimmed and upper-cased; blank codes become null. When only subdivisions are given, the location
 * country is taken from the first of them. Immutable.
 *
 * <p>Example: {@code Origin.country("US").withRegisteredCountry("IR")}.
 */
public record Origin(
    String country,
    String registeredCountry,
    String representedCountry,
    List<String> subdivisions,
    boolean anonymous) {

  private static final Origin UNKNOWN = new Origin(null, null, null, List.of(), false);

  public Origin {
    country = normalise(country);
    registeredCountry = normalise(registeredCountry);
    representedCountry = normalise(representedCountry);
    subdivisions = normalise(subdivisions);
    if (country == null && !subdivisions.isEmpty()) {
      String first = subdivisions.get(0);
      int dash = first.indexOf('-');
      country = dash > 0 ? first.substring(0, dash) : null;
    }
  }

  /** No country at all: a private or reserved address, no database record, database unavailable. */
  public static Origin unknown() {
    return UNKNOWN;
  }

  /** A caller located in {@code country}. */
  public static Origin country(String country) {
    return new Origin(country, null, null, List.of(), false);
  }

  /** A caller located in the subdivision {@code code} (such as {@code UA-43}) of its country. */
  public static Origin subdivision(String code) {
    return new Origin(null, null, null, code == null ? List.of() : List.of(code), false);
  }

  public Origin withCountry(String code) {
    return new Origin(code, registeredCountry, representedCountry, subdivisions, anonymous);
  }

  public Origin withRegisteredCountry(String code) {
    return new Origin(country, code, representedCountry, subdivisions, anonymous);
  }

  public Origin withRepresentedCountry(String code) {
    return new Origin(country, registeredCountry, code, subdivisions, anonymous);
  }

  public Origin withSubdivisions(List<String> codes) {
    return new Origin(country, registeredCountry, representedCountry, codes, anonymous);
  }

  /** The same origin flagged (or not) as an anonymiser, VPN, Tor exit or hosting provider. */
  public Origin withAnonymous(boolean flag) {
    return new Origin(country, registeredCountry, representedCountry, subdivisions, flag);
  }

  /** True when no country field is set. */
  public boolean isUnknown() {
    return country == null && registeredCountry == null && representedCountry == null;
  }

  private static String normalise(String code) {
    if (code == null) {
      return null;
    }
    String trimmed = code.strip();
    return trimmed.isEmpty() ? null : trimmed.toUpperCase(Locale.ROOT);
  }

  private static List<String> normalise(List<String> codes) {
    if (codes == null || codes.isEmpty()) {
      return List.of();
    }
    if (isNormalised(codes)) {
      // The usual case (a geolocation result): List.copyOf returns an unmodifiable list as it is.
      return List.copyOf(codes);
    }
    List<String> clean = new ArrayList<>(codes.size());
    for (String code : codes) {
      String c = normalise(code);
      if (c != null) {
        clean.add(c);
      }
    }
    return List.copyOf(clean);
  }

  private static boolean isNormalised(List<String> codes) {
    for (String code : codes) {
      if (code == null || normalise(code) != code) {
        return false;
      }
    }
    return true;
  }
}
