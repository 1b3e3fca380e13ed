package dev.geofence.filter.geo;

import static org.assertj.core.api.Assertions.assertThat;

import com.maxmind.db.Network;
import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpenDatabaseTest {

  @ParameterizedTest
  @CsvSource({
    "192.0.2.77,         24,  192.0.2.0/24",
    "192.0.2.77,         32,  192.0.2.77/32",
    "192.0.2.77,         0,   0.0.0.0/0",
    "203.0.113.255,      27,  203.0.113.224/27",
    "255.255.255.255,    9,   255.128.0.0/9",
    "2001:db8:1:2::abcd, 32,  2001:db8::/32",
    "2001:db8:1:2::abcd, 128, 2001:db8:1:2::abcd/128",
    "2001:db8:ffff::1,   35,  2001:db8:e000::/35",
    "::1,                0,   ::/0",
  })
  void cidr_masksTheLookedUpAddressToItsPrefix(String address, int prefix, String expected)
      throws UnknownHostException {
    Network network = new Network(InetAddress.getByName(address), prefix);

    assertThat(OpenDatabase.cidr(network)).isEqualTo(expected);
  }
}
