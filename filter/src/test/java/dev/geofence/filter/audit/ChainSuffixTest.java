package dev.geofence.filter.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChainSuffixTest {

  @ParameterizedTest
  @ValueSource(longs = {1, 9, 10, 99, 100, 123_456_789, Long.MAX_VALUE})
  void aLineChainedAfterEncodingIsByteForByteWhatTheEncoderWritesWithTheChain(long seq) {
    String prevHash = "0123456789abcdef".repeat(4);
    AuditRecord record = AuditFixtures.simple("block", "r1");
    byte[] whole =
        new AuditEncoder()
            .encode(record, IpPrivacy.full(), Optional.of(new AuditEncoder.Chain(seq, prevHash)));

    byte[] unchained = new AuditEncoder().encode(record, IpPrivacy.full(), Optional.empty());
    ByteBuffer out = ByteBuffer.allocate(unchained.length + ChainSuffix.MAX_EXTRA);
    out.put(unchained, 0, unchained.length - 2);
    ChainSuffix.put(out, seq, prevHash.getBytes(StandardCharsets.US_ASCII));

    assertThat(new String(Arrays.copyOf(out.array(), out.position()), StandardCharsets.UTF_8))
        .isEqualTo(new String(whole, StandardCharsets.UTF_8));
    assertThat(out.position()).isLessThanOrEqualTo(unchained.length + ChainSuffix.MAX_EXTRA);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "abc", "a line of audit text"})
  void hexIsTheLowerCaseHexOfTheHash(String text) {
    byte[] hash = AuditFiles.sha256().digest(text.getBytes(StandardCharsets.UTF_8));
    byte[] hex = new byte[64];
    ChainSuffix.hex(hash, hex);
    assertThat(new String(hex, StandardCharsets.US_ASCII))
        .isEqualTo(
            AuditFiles.sha256Hex(AuditFiles.sha256(), text.getBytes(StandardCharsets.UTF_8)));
  }
}
