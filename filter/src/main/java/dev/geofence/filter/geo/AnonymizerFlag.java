package dev.geofence.filter.geo;

/**
 * What a GeoIP2 Anonymous IP database, an Enterprise record's traits, or the legacy traits of a
 * Country, City or Enterprise record say about a network, one constant per {@code is_*} field. Any
 * flag makes the caller anonymous for the policy.
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
  TOR_EXIT_NODE("is_tor_exit_node"),
  /**
   * {@code is_anonymous_proxy}: the legacy trait of Country, City and Enterprise records, which
   * MaxMind deprecated in favour of the Anonymous IP database but which databases in use still
   * carry.
   */
  ANONYMOUS_PROXY("is_anonymous_proxy"),
  /**
   * {@code is_satellite_provider}: the legacy trait of Country, City and Enterprise records for a
   * satellite Internet provider, whose users may be anywhere in its footprint; deprecated like
   * {@link #ANONYMOUS_PROXY}.
   */
  SATELLITE_PROVIDER("is_satellite_provider");

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
