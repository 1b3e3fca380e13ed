package dev.geofence.filter.audit;

import static dev.geofence.filter.audit.AuditFixtures.ip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class IpPrivacyTest {

  @TempDir Path dir;

  @Test
  void readKey_readsHexDigits_withWhiteSpaceAroundThemIgnored() throws Exception {
    Path file = Files.writeString(dir.resolve("key.hex"), "  00112233445566778899AABBCCDDEEFF\n");

    assertThat(IpPrivacy.readKey(file))
        .isEqualTo(HexFormat.of().parseHex("00112233445566778899aabbccddeeff"));
  }

  @Test
  void readKey_namesTheFile_andNeverShowsItsContent() throws Exception {
    Path bad = Files.writeString(dir.resolve("bad.hex"), "top-secret-not-hex");
    Path missing = dir.resolve("missing.hex");

    assertThatThrownBy(() -> IpPrivacy.readKey(bad))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "the HMAC key file "
                + bad
                + " does not hold hex digits; expected the key in hex, such as 32 bytes as 64 hex"
                + " digits.")
        .hasMessageNotContaining("top-secret");
    assertThatThrownBy(() -> IpPrivacy.readKey(missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the HMAC key file " + missing + " cannot be read: ");
  }

  private static final byte[] KEY =
      "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  @ParameterizedTest
  @CsvSource({
    "203.0.113.77, 203.0.113.77, 203.0.113.0",
    "0.0.0.0, 0.0.0.0, 0.0.0.0",
    "255.255.255.255, 255.255.255.255, 255.255.255.0",
    "2001:db8:1234:5678:9abc:def0:1:2, 2001:db8:1234:5678:9abc:def0:1:2, 2001:db8:1234::",
    "2001:DB8:0:0:1:0:0:1, 2001:db8::1:0:0:1, 2001:db8::",
    "::1, ::1, ::",
    "2001:db8:0:1:1:1:1:1, 2001:db8:0:1:1:1:1:1, 2001:db8::",
    "::ffff:192.0.2.1, 192.0.2.1, 192.0.2.0",
    "fe80::1:0:0:0, fe80::1:0:0:0, fe80::",
  })
  void fullAndTruncatedWriteTheAddressAndItsNetwork(String input, String full, String truncated) {
    assertThat(IpPrivacy.full().apply(ip(input))).isEqualTo(full);
    assertThat(IpPrivacy.truncated().apply(ip(input))).isEqualTo(truncated);
  }

  @Test
  void hmacIsTheKeyedSha256OfTheAddressBytesInHex() throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
    String expected = HexFormat.of().formatHex(mac.doFinal(new byte[] {(byte) 203, 0, 113, 77}));

    IpPrivacy privacy = IpPrivacy.hmac(KEY);

    assertThat(privacy.apply(ip("203.0.113.77"))).isEqualTo(expected).hasSize(64);
    assertThat(privacy.writesAddress()).isFalse();
  }

  @Test
  void hmacCorrelatesTheSameAddressAndDependsOnTheKey() {
    byte[] otherKey = KEY.clone();
    otherKey[0] ^= 1;
    IpPrivacy privacy = IpPrivacy.hmac(KEY);

    assertThat(privacy.apply(ip("203.0.113.77")))
        .isEqualTo(privacy.apply(ip("203.0.113.77")))
        .isNotEqualTo(privacy.apply(ip("203.0.113.78")))
        .isNotEqualTo(IpPrivacy.hmac(otherKey).apply(ip("203.0.113.77")));
  }

  @Test
  void hmacKeyIsCopiedSoLaterChangesToTheArrayDoNotMatter() {
    byte[] key = KEY.clone();
    IpPrivacy privacy = IpPrivacy.hmac(key);
    String before = privacy.apply(ip("192.0.2.1"));
    key[3] ^= 1;
    assertThat(privacy.apply(ip("192.0.2.1"))).isEqualTo(before);
  }

  @Test
  void hmacRejectsShortKeys() {
    assertThatThrownBy(() -> IpPrivacy.hmac(new byte[15]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("15 bytes")
        .hasMessageContaining("at least 16");
  }

  @Test
  void toStringNamesTheModeButNeverTheKey() {
    assertThat(IpPrivacy.hmac(KEY).toString())
        .isEqualTo("IpPrivacy[hmac-sha256]")
        .doesNotContain("0123456789abcdef")
        .doesNotContain(HexFormat.of().formatHex(KEY));
    assertThat(IpPrivacy.full()).hasToString("IpPrivacy[full]");
    assertThat(IpPrivacy.truncated()).hasToString("IpPrivacy[truncated]");
  }
}
