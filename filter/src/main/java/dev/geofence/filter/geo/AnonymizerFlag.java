package dev.geofence.filter.geo;

/**
 * What a GeoIP2 Anonymous IP database (or an Enterprise/Insights record's traits) says about a
 * network, one constant per {@code is_*} field.
 */
public enum AnonymizerFlag {
  /** {@code is_anonymous}: any of the kinds below. */
  ANONYMOUS("is_anonymous"),
  /** {@code is_anonymous_vpn}: a VPN service that hides its users. */
  ANONYMOUS_VPN("is_anonymous_vpn"),
  /** {@code is_hosting_provider}: a hosting or cloud provider. */
  HOSTING_PROVIDER("is_hosting_provider"),
  /** {@code is_public_proxy}: an open proxy. */
  PUBLIC_PROXY("is_public_proxy"),
  /** {@code is_residential_proxy}: a proxy that routes through residential connections. */
  RESIDENTIAL_PROXY("is_residential_proxy"),
  /** {@code is_tor_exit_node}: a Tor exit node. */
  TOR_EXIT_NODE("is_tor_exit_node");

  private final String field;

  AnonymizerFlag(String field) {
    this.field = field;
  }

  /** Returns the database field name, e.g. {@code is_tor_exit_node}. */
  public String field() {
    return field;
  }

  /**
   * The name the audit trail, the {@code lookup} command and {@code explain} write: the field
   * without {@code is_}, e.g. {@code tor_exit_node}.
   */
  public String label() {
    return field.substring(3);
  }
}
