package dev.geofence.filter.address;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TrustedProxiesTest {

  private static final TrustedProxies PROXIES =
      TrustedProxies.parse(
          "10.0.0.0/16, 10.0.0.0/8 192.168.0.10,192.168.0.11\n172.16.0.0/12 ::1, 2001:db8:cafe::/48, fd00::/8, 10.1.2.0/24");

  @ParameterizedTest(name = "[{index}] {0}: {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
            10.0.0.1|true
            10.200.3.4|true
            10.255.255.255|true
            11.0.0.0|false
            9.255.255.255|false
            192.168.0.10|true
            192.168.0.11|true
            192.168.0.12|false
            192.168.0.9|false
            172.20.1.1|true
            172.32.0.0|false
            ::ffff:10.9.9.9|true
            ::ffff:192.168.0.12|false
            ::1|true
            ::2|false
            ::|false
            0.0.0.0|false
            255.255.255.255|false
            2001:db8:cafe::1|true
            2001:db8:cafe:ffff:ffff:ffff:ffff:ffff|true
            2001:db8:caff::|false
            2001:db8:cafd:ffff::|false
            fd12:3456::1|true
            fe00::|false
            ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff|false
            """)
  void contains_answersForIpv4AndIpv6(String address, boolean expected) {
    assertThat(PROXIES.contains(IpAddresses.parse(address))).isEqualTo(expected);
  }

  @Test
  void none_trustsNothing() {
    assertThat(TrustedProxies.none().isEmpty()).isTrue();
    assertThat(TrustedProxies.none().contains(IpAddresses.parse("127.0.0.1"))).isFalse();
    assertThat(TrustedProxies.none().contains(IpAddresses.parse("::1"))).isFalse();
    assertThat(TrustedProxies.parse(" , \n ")).isEqualTo(TrustedProxies.none());
    assertThat(TrustedProxies.of()).isEqualTo(TrustedProxies.none());
  }

  @Test
  void everything_trustsEveryAddress() {
    TrustedProxies all = TrustedProxies.parse("::/0");
    assertThat(all.contains(IpAddresses.parse("203.0.113.9"))).isTrue();
    assertThat(all.contains(IpAddresses.parse("2001:db8::1"))).isTrue();
    assertThat(all.contains(IpAddresses.parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"))).isTrue();
  }

  @Test
  void parse_keepsTheNetworksInOrderAndPrintsThemBack() {
    TrustedProxies proxies = TrustedProxies.parse("10.0.0.0/8,  ::1 192.0.2.7");

    assertThat(proxies.cidrs())
        .containsExactly(
            Cidr.parse("10.0.0.0/8"), Cidr.parse("::1/128"), Cidr.parse("192.0.2.7/32"));
    assertThat(proxies).hasToString("10.0.0.0/8, ::1/128, 192.0.2.7/32");
    assertThat(TrustedProxies.parse(proxies.toString())).isEqualTo(proxies);
  }

  @Test
  void parse_namesTheBadEntry() {
    assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.0/8, proxy1.example.com, ::1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'proxy1.example.com' is not a network in CIDR notation");
    assertThatThrownBy(() -> TrustedProxies.parse("10.0.0.1/8"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(
            "'10.0.0.1/8' has bits set after the prefix length; did you mean 10.0.0.0/8?");
  }

  @Test
  void of_rejectsNullElements() {
    assertThatThrownBy(() -> TrustedProxies.of(Cidr.parse("::1"), null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void contains_agreesWithCheckingEachNetworkOnRandomSets() {
    // The merged, binary-searched ranges must answer exactly as a plain loop over the networks.
    Random random = new Random(42);
    for (int round = 0; round < 200; round++) {
      List<Cidr> cidrs = new ArrayList<>();
      int count = random.nextInt(12);
      for (int i = 0; i < count; i++) {
        cidrs.add(randomCidr(random));
      }
      TrustedProxies proxies = TrustedProxies.of(cidrs);
      for (int probe = 0; probe < 200; probe++) {
        InetAddress address =
            probe % 2 == 0 && !cidrs.isEmpty()
                ? nearby(cidrs.get(random.nextInt(cidrs.size())), random)
                : randomAddress(random);
        boolean expected = cidrs.stream().anyMatch(c -> c.contains(address));
        assertThat(proxies.contains(address)).as("%s in %s", address, cidrs).isEqualTo(expected);
      }
    }
  }

  private static Cidr randomCidr(Random random) {
    InetAddress address = randomAddress(random);
    boolean v4 = address.getAddress().length == 4;
    int prefix = random.nextInt(v4 ? 33 : 129);
    long hi = IpAddresses.high(address.getAddress());
    long lo = IpAddresses.low(address.getAddress());
    int length128 = v4 ? prefix + 96 : prefix;
    return new Cidr(
        IpAddresses.toInetAddress(hi & Cidr.maskHigh(length128), lo & Cidr.maskLow(length128)),
        prefix);
  }

  /**
   * An address at, just inside or just outside an edge of the network, where off-by-one errors
   * live.
   */
  private static InetAddress nearby(Cidr cidr, Random random) {
    long hi;
    long lo;
    if (random.nextBoolean()) {
      hi = cidr.firstHigh();
      lo = cidr.firstLow();
    } else {
      hi = cidr.lastHigh();
      lo = cidr.lastLow();
    }
    long delta = random.nextInt(3) - 1;
    long newLo = lo + delta;
    if (delta > 0 && Long.compareUnsigned(newLo, lo) < 0) {
      hi++;
    } else if (delta < 0 && Long.compareUnsigned(newLo, lo) > 0) {
      hi--;
    }
    return IpAddresses.toInetAddress(hi, newLo);
  }

  private static InetAddress randomAddress(Random random) {
    // Few distinct high bits so that random networks overlap and nest often.
    if (random.nextBoolean()) {
      return IpAddresses.toInetAddress(
          0, 0xffff_0000_0000L | ((long) random.nextInt(4) << 30) | (random.nextInt() >>> 2));
    }
    return IpAddresses.toInetAddress(
        ((long) random.nextInt(4) << 62) | (random.nextLong() >>> 2), random.nextLong());
  }
}
