package dev.geofence.filter.geo;

import com.maxmind.db.MaxMindDbConstructor;
import com.maxmind.db.MaxMindDbParameter;
import java.util.List;

/**
 * The few fields the fence reads, decoded straight from the MaxMind reader. Decoding into these
 * small types instead of the full GeoIP2 models skips names in every language, locations and postal
 * codes. The records are public only because the reader instantiates them reflectively; the holder
 * class keeps them out of the API.
 */
final class Records {

  private Records() {}

  /** A GeoIP2 Country, City or Enterprise record. */
  public record GeoIp2(
      @MaxMindDbParameter(name = "country") Place country,
      @MaxMindDbParameter(name = "registered_country") Place registeredCountry,
      @MaxMindDbParameter(name = "represented_country") Place representedCountry,
      @MaxMindDbParameter(name = "subdivisions") List<Place> subdivisions,
      @MaxMindDbParameter(name = "traits") Anonymizer traits) {
    @MaxMindDbConstructor
    public GeoIp2 {}
  }

  /** A country or subdivision; only the ISO code matters here. */
  public record Place(@MaxMindDbParameter(name = "iso_code") String isoCode) {
    @MaxMindDbConstructor
    public Place {}
  }

  /**
   * Anonymizer flags: a whole Anonymous IP record, or the traits of a Country, City or Enterprise
   * record (where the legacy {@code is_anonymous_proxy} and {@code is_satellite_provider} live).
   * Absent flags are null (MaxMind leaves false flags out), hence the wrapper type.
   */
  public record Anonymizer(
      @MaxMindDbParameter(name = "is_anonymous") Boolean anonymous,
      @MaxMindDbParameter(name = "is_anonymous_vpn") Boolean anonymousVpn,
      @MaxMindDbParameter(name = "is_hosting_provider") Boolean hostingProvider,
      @MaxMindDbParameter(name = "is_public_proxy") Boolean publicProxy,
      @MaxMindDbParameter(name = "is_residential_proxy") Boolean residentialProxy,
      @MaxMindDbParameter(name = "is_tor_exit_node") Boolean torExitNode,
      @MaxMindDbParameter(name = "is_anonymous_proxy") Boolean anonymousProxy,
      @MaxMindDbParameter(name = "is_satellite_provider") Boolean satelliteProvider) {
    @MaxMindDbConstructor
    public Anonymizer {}
  }
}
