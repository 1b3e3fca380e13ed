package dev.geofence.policy;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * ISO 3166 codes. Country codes come from the JDK ({@link Locale#getISOCountries()}) plus {@code
 * XK}, the user-assigned code for Kosovo that MaxMind and most geolocation databases report.
 */
final class Countries {

  private static final Set<String> CODES = codes();
  private static final Pattern COUNTRY_SHAPE = Pattern.compile("[A-Z]{2}");
  // ISO 3166-2: the country code, a hyphen and one to three letters or digits.
  private static final Pattern SUBDIVISION_SHAPE = Pattern.compile("[A-Z]{2}-[A-Z0-9]{1,3}");

  private Countries() {}

  private static Set<String> codes() {
    Set<String> codes = new HashSet<>(Set.of(Locale.getISOCountries()));
    codes.add("XK");
    return Set.copyOf(codes);
  }

  static boolean isCountry(String code) {
    return CODES.contains(code);
  }

  /** Two upper-case letters, known or not. */
  static boolean looksLikeCountry(String text) {
    return COUNTRY_SHAPE.matcher(text).matches();
  }

  /** Well-formed ISO 3166-2 code, whatever its country part. */
  static boolean looksLikeSubdivision(String text) {
    return SUBDIVISION_SHAPE.matcher(text).matches();
  }

  /** Something the author probably meant as a subdivision: two letters, a hyphen, anything. */
  static boolean resemblesSubdivision(String text) {
    return text.length() >= 3
        && Character.isLetter(text.charAt(0))
        && Character.isLetter(text.charAt(1))
        && text.charAt(2) == '-';
  }

  static String countryOf(String subdivision) {
    return subdivision.substring(0, 2);
  }

  /** A country not named in {@code excluded}, to stand for "every other country". */
  static String someCountryOtherThan(Set<String> excluded) {
    return CODES.stream().sorted().filter(c -> !excluded.contains(c)).findFirst().orElse("ZZ");
  }
}
