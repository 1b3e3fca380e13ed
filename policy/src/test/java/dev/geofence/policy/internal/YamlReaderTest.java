package dev.geofence.policy.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.geofence.policy.Diagnostic;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class YamlReaderTest {

  @TempDir Path dir;

  private static YamlNode.Mapping root(String yaml) {
    YamlReader.Result r = YamlReader.read(yaml, "f.yaml");
    assertThat(r.errors()).isEmpty();
    return (YamlNode.Mapping) r.root().orElseThrow();
  }

  private static Diagnostic onlyError(YamlReader.Result r) {
    assertThat(r.root()).isEmpty();
    assertThat(r.errors()).hasSize(1);
    return r.errors().get(0);
  }

  @Test
  void everyNodeHasItsLineAndColumn() {
    YamlNode.Mapping m = root("a: 1\nlist:\n  - x\n  - [y, z]\nmap: {k: v}\n");

    YamlNode.Entry list = m.entry("list").orElseThrow();
    assertThat(list.key().line()).isEqualTo(2);
    assertThat(list.key().column()).isEqualTo(1);
    YamlNode.Sequence seq = (YamlNode.Sequence) list.value();
    assertThat(seq.items().get(0).line()).isEqualTo(3);
    assertThat(seq.items().get(0).column()).isEqualTo(5);
    YamlNode.Sequence inner = (YamlNode.Sequence) seq.items().get(1);
    assertThat(inner.items().get(1).line()).isEqualTo(4);
    assertThat(inner.items().get(1).column()).isEqualTo(9);
    YamlNode.Scalar v =
        (YamlNode.Scalar) ((YamlNode.Mapping) m.get("map").orElseThrow()).get("k").orElseThrow();
    assertThat(v.line()).isEqualTo(5);
    assertThat(v.column()).isEqualTo(10);
  }

  @Test
  void scalarsKeepTheirSourceText_soNorwayStaysNO() {
    YamlNode.Sequence s =
        (YamlNode.Sequence) root("l: [NO, yes, ~, 007, 2027-01-15, 'NO']\n").get("l").orElseThrow();

    assertThat(s.items())
        .extracting(n -> ((YamlNode.Scalar) n).text())
        .containsExactly("NO", "yes", "~", "007", "2027-01-15", "NO");
    assertThat(s.items())
        .extracting(n -> ((YamlNode.Scalar) n).kind())
        .containsExactly(
            YamlNode.Kind.BOOLEAN,
            YamlNode.Kind.BOOLEAN,
            YamlNode.Kind.NULL,
            YamlNode.Kind.NUMBER,
            YamlNode.Kind.STRING,
            YamlNode.Kind.STRING);
  }

  @Test
  void duplicateKeys_areReportedAtTheSecondKey_andTheFirstIsKept() {
    YamlReader.Result r = YamlReader.read("a: 1\nb:\n  c: 2\n  c: 3\n", "f.yaml");

    assertThat(r.errors())
        .extracting(Diagnostic::toString)
        .containsExactly(
            "f.yaml:4:3: error: duplicate key 'c'; it is already given at line 3, column 3");
    YamlNode.Mapping b =
        (YamlNode.Mapping) ((YamlNode.Mapping) r.root().orElseThrow()).get("b").orElseThrow();
    assertThat(((YamlNode.Scalar) b.get("c").orElseThrow()).text()).isEqualTo("2");
  }

  @Test
  void aliasBomb_isRefusedWithoutExpansion() {
    StringBuilder yaml = new StringBuilder("a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (char c = 'b'; c <= 'j'; c++) {
      char p = (char) (c - 1);
      yaml.append(c).append(": &").append(c).append(" [");
      for (int i = 0; i < 9; i++) {
        yaml.append(i == 0 ? "" : ", ").append('*').append(p);
      }
      yaml.append("]\n");
    }
    YamlReader.Result r = YamlReader.read(yaml.toString(), "f.yaml");

    assertThat(r.errors()).hasSize(81);
    assertThat(r.errors().get(0).toString())
        .isEqualTo(
            "f.yaml:2:8: error: YAML aliases are not supported ('*a'); write the value out in full");
  }

  @Test
  void deepNesting_stopsAtTheLimit() {
    Diagnostic d =
        onlyError(YamlReader.read("a: " + "[".repeat(100_000) + "]".repeat(100_000), "f.yaml"));
    assertThat(d.toString())
        .isEqualTo(
            "f.yaml:1:23: error: the YAML is nested more than 20 levels deep; a policy needs at most 5");
  }

  @Test
  void deepBlockNesting_stopsAtTheLimit() {
    StringBuilder yaml = new StringBuilder();
    for (int i = 0; i < 50; i++) {
      yaml.append("  ".repeat(i)).append("k").append(i).append(":\n");
    }
    yaml.append("  ".repeat(50)).append("v\n");
    Diagnostic d = onlyError(YamlReader.read(yaml.toString(), "f.yaml"));
    assertThat(d.message()).contains("nested more than 20 levels");
    assertThat(d.line()).isEqualTo(21);
  }

  @Test
  void largeFile_isRefusedUnread() throws Exception {
    Path big = dir.resolve("big.yaml");
    Files.write(
        big, ("a: " + "x".repeat(10 * 1024 * 1024) + "\n").getBytes(StandardCharsets.UTF_8));

    Diagnostic d = onlyError(YamlReader.readFile(big, "big.yaml"));

    assertThat(d.toString())
        .isEqualTo(
            "big.yaml:1:1: error: the file is 10485764 bytes; a policy file may be at most 1048576 bytes (1 MiB)");
  }

  @Test
  void binaryGarbage_isRefusedAsNotUtf8_atTheFirstBadByte() {
    byte[] bytes = "ok: 1\nnext: ".getBytes(StandardCharsets.US_ASCII);
    byte[] garbage = new byte[bytes.length + 2];
    System.arraycopy(bytes, 0, garbage, 0, bytes.length);
    garbage[bytes.length] = (byte) 0xC3;
    garbage[bytes.length + 1] = (byte) 0x28;

    Diagnostic d = onlyError(YamlReader.read(garbage, "g.yaml"));

    assertThat(d.toString())
        .isEqualTo(
            "g.yaml:2:7: error: the file is not UTF-8 text (byte 0xC3 at offset 12); a policy file is UTF-8 YAML");
  }

  @Test
  void randomBytes_neverThrow() {
    Random random = new Random(42);
    for (int i = 0; i < 200; i++) {
      byte[] bytes = new byte[random.nextInt(2000)];
      random.nextBytes(bytes);
      YamlReader.Result r = YamlReader.read(bytes, "r.yaml");
      assertThat(r.root().isPresent() || !r.errors().isEmpty()).isTrue();
    }
  }

  @Test
  void nulCharacter_isLocated() {
    Diagnostic d = onlyError(YamlReader.read("a: 1\nb: x\u0000y\n", "f.yaml"));
    assertThat(d.toString())
        .isEqualTo(
            "f.yaml:2:5: error: control character U+0000 is not allowed; a policy file is UTF-8 YAML text");
  }

  @Test
  void byteOrderMark_isIgnored_andContentIsKept() {
    byte[] bytes = "\uFEFFa: 1\n".getBytes(StandardCharsets.UTF_8);
    YamlReader.Result r = YamlReader.read(bytes, "f.yaml");
    assertThat(r.errors()).isEmpty();
    assertThat(r.content()).isEqualTo(bytes);
  }

  @Test
  void missingFile_isAnError_notAnException() {
    Diagnostic d = onlyError(YamlReader.readFile(dir.resolve("nope.yaml"), "nope.yaml"));
    assertThat(d.message()).startsWith("cannot read the file: no such file");
  }

  @Test
  void directory_isAnError_notAnException() {
    Diagnostic d = onlyError(YamlReader.readFile(dir, "dir"));
    assertThat(d.message()).startsWith("cannot read the file");
  }
}
