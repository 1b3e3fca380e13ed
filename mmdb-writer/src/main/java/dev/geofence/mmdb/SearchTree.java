package dev.geofence.mmdb;

import java.util.Arrays;

/**
 * The binary trie of a MaxMind DB, held in two int arrays so that millions of nodes cost a few tens
 * of megabytes and no objects. A child slot holds a node index (0 or more), {@link #EMPTY}, or a
 * data record id encoded as {@code -2 - id}. Aliases make the trie a DAG: several slots may point
 * at the same node. Not thread-safe.
 */
final class SearchTree {

  static final int EMPTY = -1;

  private final int bits;
  private int[] left = new int[1024];
  private int[] right = new int[1024];
  private int count;

  SearchTree(int bits) {
    this.bits = bits;
    newNode(EMPTY);
  }

  int bits() {
    return bits;
  }

  static int data(int recordId) {
    return -2 - recordId;
  }

  static boolean isData(int slot) {
    return slot <= -2;
  }

  static int recordId(int slot) {
    return -2 - slot;
  }

  int left(int node) {
    return left[node];
  }

  int right(int node) {
    return right[node];
  }

  int allocatedNodes() {
    return count;
  }

  /**
   * Points every address of the network at {@code value}, replacing what was there. Addresses are
   * {@link #bits} long; a shorter IPv4 address in an IPv6 tree is handled by the caller.
   */
  void set(byte[] address, int prefix, int value) {
    if (prefix == 0) {
      left[0] = value;
      right[0] = value;
      return;
    }
    int node = nodeAt(address, prefix - 1);
    setChild(node, bit(address, prefix - 1), value);
  }

  /**
   * Returns the node whose subtree is exactly the network of {@code depth} bits, creating nodes
   * (and copying a covering data record into both halves) on the way.
   */
  int nodeAt(byte[] address, int depth) {
    int node = 0;
    for (int i = 0; i < depth; i++) {
      int bit = bit(address, i);
      int child = child(node, bit);
      if (child < 0) {
        child = newNode(child);
        setChild(node, bit, child);
      }
      node = child;
    }
    return node;
  }

  /** Returns the slot value reached by walking {@code depth} bits, without creating nodes. */
  int slotAt(byte[] address, int depth) {
    int node = 0;
    for (int i = 0; i < depth - 1; i++) {
      int child = child(node, bit(address, i));
      if (child < 0) {
        return child;
      }
      node = child;
    }
    return child(node, bit(address, depth - 1));
  }

  private int child(int node, int bit) {
    return bit == 0 ? left[node] : right[node];
  }

  private void setChild(int node, int bit, int value) {
    if (bit == 0) {
      left[node] = value;
    } else {
      right[node] = value;
    }
  }

  private int newNode(int fill) {
    if (count == left.length) {
      left = Arrays.copyOf(left, count * 2);
      right = Arrays.copyOf(right, count * 2);
    }
    left[count] = fill;
    right[count] = fill;
    return count++;
  }

  static int bit(byte[] address, int index) {
    return (address[index >>> 3] >>> (7 - (index & 7))) & 1;
  }
}
