package dev.geofence.policy.map;

/**
 * The report's colours: Okabe and Ito's palette, chosen to stay distinct with the common forms of
 * colour blindness, with a lighter tint of each colour for countries decided only by the fallback
 * (a {@code "*"} rule, or no rule). Blocked areas carry a second cue besides colour: white diagonal
 * hatching, which survives black-and-white printing.
 */
final class Palette {

  private Palette() {}

  static final String ALLOW = "#0072b2";
  static final String BLOCK = "#d55e00";
  static final String NO_CODE = "#bdbdbd";
  static final String SEA = "#e6eef5";
  static final String UNCHANGED = "#dedede";
  static final String MORE = ALLOW;
  static final String LESS = BLOCK;
  static final String MIXED = "#009e73";

  /** Substitute models in order of first appearance; after five, the colours repeat. */
  private static final String[] SUBSTITUTES = {
    "#e69f00", "#cc79a7", "#f0e442", "#56b4e9", "#999933"
  };

  static String substitute(int index) {
    return SUBSTITUTES[index % SUBSTITUTES.length];
  }

  /** The colour mixed with 55% white: the same hue, visibly lighter. */
  static String tint(String hex) {
    StringBuilder s = new StringBuilder("#");
    for (int i = 1; i < 7; i += 2) {
      int c = Integer.parseInt(hex.substring(i, i + 2), 16);
      int mixed = (int) Math.round(c * 0.45 + 255 * 0.55);
      s.append(Character.forDigit(mixed >> 4, 16)).append(Character.forDigit(mixed & 15, 16));
    }
    return s.toString();
  }
}
