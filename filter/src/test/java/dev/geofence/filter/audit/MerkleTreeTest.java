package dev.geofence.filter.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The test vectors of the Certificate Transparency reference implementation's Merkle tree tests
 * (RFC 6962 hashing): eight leaves, the root of each prefix of them, and inclusion paths.
 */
class MerkleTreeTest {

  private static final HexFormat HEX = HexFormat.of();
  private static final String[] LEAVES = {
    "",
    "00",
    "10",
    "2021",
    "3031",
    "40414243",
    "5051525354555657",
    "606162636465666768696a6b6c6d6e6f"
  };

  private static List<byte[]> leafHashes(int n) {
    MessageDigest sha256 = AuditFiles.sha256();
    List<byte[]> hashes = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      hashes.add(MerkleTree.leafHash(sha256, HEX.parseHex(LEAVES[i])));
    }
    return hashes;
  }

  @ParameterizedTest
  @CsvSource({
    "1, 6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "2, fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "3, aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "4, d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "5, 4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "6, 76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "7, ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "8, 5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"
  })
  void rootsMatchTheReferenceVectors(int size, String root) {
    assertThat(HEX.formatHex(MerkleTree.root(leafHashes(size)))).isEqualTo(root);

    MerkleTree.Frontier frontier = new MerkleTree.Frontier();
    leafHashes(size).forEach(frontier::add);
    assertThat(HEX.formatHex(frontier.root())).isEqualTo(root);
  }

  @Test
  void theEmptyTreeHasTheHashOfTheEmptyString() {
    assertThat(HEX.formatHex(MerkleTree.root(List.of())))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    assertThat(HEX.formatHex(new MerkleTree.Frontier().root()))
        .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = ';',
      value = {
        "0; 1; ''",
        "0; 8; 96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7 5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e 6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        "5; 8; bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0 d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "2; 3; fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "1; 5; 6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d 5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"
      })
  void inclusionPathsMatchTheReferenceVectorsAndVerify(int index, int size, String expected) {
    List<byte[]> leaves = leafHashes(size);
    List<byte[]> path = MerkleTree.inclusionPath(leaves, index);
    List<String> hex = path.stream().map(HEX::formatHex).toList();
    assertThat(String.join(" ", hex)).isEqualTo(expected);
    assertThat(
            MerkleTree.verifyInclusion(
                leaves.get(index), index, size, path, MerkleTree.root(leaves)))
        .isTrue();
  }

  @Test
  void everyLeafOfEveryTreeUpTo33LeavesProvesAndNeitherAWrongIndexNorAWrongRootDoes() {
    MessageDigest sha256 = AuditFiles.sha256();
    List<byte[]> leaves = new ArrayList<>();
    for (int size = 1; size <= 33; size++) {
      leaves.add(MerkleTree.leafHash(sha256, new byte[] {(byte) size}));
      byte[] root = MerkleTree.root(leaves);
      for (int i = 0; i < size; i++) {
        List<byte[]> path = MerkleTree.inclusionPath(leaves, i);
        assertThat(MerkleTree.verifyInclusion(leaves.get(i), i, size, path, root)).isTrue();
        int other = (i + 1) % size;
        if (other != i) {
          assertThat(MerkleTree.verifyInclusion(leaves.get(i), other, size, path, root))
              .as("leaf %d of %d proven at %d", i, size, other)
              .isFalse();
        }
        byte[] tampered = root.clone();
        tampered[0] ^= 1;
        assertThat(MerkleTree.verifyInclusion(leaves.get(i), i, size, path, tampered)).isFalse();
      }
    }
  }
}
