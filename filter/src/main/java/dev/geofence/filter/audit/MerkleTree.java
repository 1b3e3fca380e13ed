package dev.geofence.filter.audit;

import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The Merkle tree of RFC 6962 (section 2.1) and RFC 9162: SHA-256, a leaf hashed as {@code
 * SHA-256(0x00 || data)} and an inner node as {@code SHA-256(0x01 || left || right)}, the left
 * subtree of {@code n} leaves holding the largest power of two below {@code n}. The audit trail's
 * leaves are its lines: the data of a leaf is the 32-byte SHA-256 of the line, so a proof needs the
 * one line and no other. Static methods are thread-safe; a {@link Frontier} belongs to one thread.
 */
final class MerkleTree {

  static final int HASH = 32;

  private MerkleTree() {}

  static byte[] leafHash(MessageDigest sha256, byte[] data) {
    sha256.reset();
    sha256.update((byte) 0);
    sha256.update(data);
    return sha256.digest();
  }

  static byte[] nodeHash(MessageDigest sha256, byte[] left, byte[] right) {
    sha256.reset();
    sha256.update((byte) 1);
    sha256.update(left);
    sha256.update(right);
    return sha256.digest();
  }

  /** The root of the tree over the given leaf hashes; the hash of the empty string for none. */
  static byte[] root(List<byte[]> leafHashes) {
    MessageDigest sha256 = AuditFiles.sha256();
    if (leafHashes.isEmpty()) {
      return sha256.digest();
    }
    return subtree(sha256, leafHashes, 0, leafHashes.size());
  }

  private static byte[] subtree(MessageDigest sha256, List<byte[]> leaves, int from, int to) {
    int n = to - from;
    if (n == 1) {
      return leaves.get(from);
    }
    int k = Integer.highestOneBit(n - 1);
    return nodeHash(
        sha256, subtree(sha256, leaves, from, from + k), subtree(sha256, leaves, from + k, to));
  }

  /** The audit path of RFC 6962 section 2.1.1 for the leaf at {@code index} (from 0). */
  static List<byte[]> inclusionPath(List<byte[]> leafHashes, int index) {
    Objects.checkIndex(index, leafHashes.size());
    List<byte[]> path = new ArrayList<>();
    path(AuditFiles.sha256(), leafHashes, index, 0, leafHashes.size(), path);
    return path;
  }

  private static void path(
      MessageDigest sha256, List<byte[]> leaves, int m, int from, int to, List<byte[]> path) {
    int n = to - from;
    if (n <= 1) {
      return;
    }
    int k = Integer.highestOneBit(n - 1);
    if (m < k) {
      path(sha256, leaves, m, from, from + k, path);
      path.add(subtree(sha256, leaves, from + k, to));
    } else {
      path(sha256, leaves, m - k, from + k, to, path);
      path.add(subtree(sha256, leaves, from, from + k));
    }
  }

  /**
   * Whether the path proves the leaf at {@code index} in a tree of {@code size} leaves with this
   * root: the verification algorithm of RFC 9162 section 2.1.3.2.
   */
  static boolean verifyInclusion(
      byte[] leafHash, long index, long size, List<byte[]> path, byte[] root) {
    if (index < 0 || index >= size) {
      return false;
    }
    MessageDigest sha256 = AuditFiles.sha256();
    long fn = index;
    long sn = size - 1;
    byte[] r = leafHash;
    for (byte[] p : path) {
      if (p.length != HASH || sn == 0) {
        return false;
      }
      if ((fn & 1) == 1 || fn == sn) {
        r = nodeHash(sha256, p, r);
        if ((fn & 1) == 0) {
          while ((fn & 1) == 0 && fn != 0) {
            fn >>= 1;
            sn >>= 1;
          }
        }
      } else {
        r = nodeHash(sha256, r, p);
      }
      fn >>= 1;
      sn >>= 1;
    }
    return sn == 0 && MessageDigest.isEqual(r, root);
  }

  /**
   * The right edge of a growing tree: the roots of its perfect subtrees, largest first, one per set
   * bit of the leaf count. Adding a leaf and computing the root take O(log n) hashes and memory, so
   * the writer keeps no list of leaves.
   */
  static final class Frontier {
    private final MessageDigest sha256 = AuditFiles.sha256();
    private final List<byte[]> roots = new ArrayList<>();
    private long size;

    void add(byte[] leafHash) {
      byte[] node = leafHash;
      // Each trailing one bit of the old size is a perfect subtree the new leaf completes.
      for (long s = size; (s & 1) == 1; s >>= 1) {
        node = nodeHash(sha256, roots.remove(roots.size() - 1), node);
      }
      roots.add(node);
      size++;
    }

    long size() {
      return size;
    }

    /** The root of the tree over every leaf added; the hash of the empty string for none. */
    byte[] root() {
      if (roots.isEmpty()) {
        sha256.reset();
        return sha256.digest();
      }
      byte[] r = roots.get(roots.size() - 1);
      for (int i = roots.size() - 2; i >= 0; i--) {
        r = nodeHash(sha256, roots.get(i), r);
      }
      return r;
    }

    void clear() {
      roots.clear();
      size = 0;
    }

    @Override
    public String toString() {
      return "Frontier[" + size + " leaves, " + roots.size() + " subtrees]";
    }
  }

  static boolean sameHash(byte[] a, byte[] b) {
    return Arrays.equals(a, b);
  }
}
