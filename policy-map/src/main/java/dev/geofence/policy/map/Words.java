package dev.geofence.policy.map;

import dev.geofence.policy.PolicyDiff;

/** How the report names columns, maps and codes. */
final class Words {

  private static final String NO_MODEL_LABEL = "no model";

  private Words() {}

  static String columnLabel(String column) {
    return column.equals(PolicyDiff.NO_MODEL) ? NO_MODEL_LABEL : column;
  }

  /** The id of a column's map: tier names are letters, digits, '-', '_' and '.', all valid. */
  static String mapId(String column) {
    return column.equals(PolicyDiff.NO_MODEL) ? "no-model-map" : "map-" + column;
  }

  static String codeName(String code) {
    if (code.length() == 2) {
      return World.name(code);
    }
    if (code.length() > 3 && code.charAt(2) == '-') {
      return World.name(code.substring(0, 2)) + ", subdivision";
    }
    return switch (code) {
      case PolicyDiff.OTHER_COUNTRIES -> "every country neither policy names";
      case "unknown" -> "no country";
      case "anonymous" -> "anonymous callers";
      default -> "";
    };
  }
}
