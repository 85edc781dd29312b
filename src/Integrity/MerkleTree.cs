using System.Numerics;
using System.Security.Cryptography;

namespace LogControl.Integrity;

/// <summary>
/// Merkle tree hashes, inclusion proofs and consistency proofs as defined in RFC 9162 §2.1 (SHA-256).
/// All functions work over leaf hashes (see <see cref="LeafHash"/>), so entries are hashed once.
/// </summary>
public static class MerkleTree
{
    public const int HashSize = 32;

    /// <summary>SHA-256 of the empty string: the hash of the empty tree (§2.1.1).</summary>
    public static byte[] EmptyRoot() => SHA256.HashData(ReadOnlySpan<byte>.Empty);

    /// <summary>SHA-256(0x00 || data). The prefix keeps leaves and inner nodes from colliding (second-preimage defence).</summary>
    public static byte[] LeafHash(ReadOnlySpan<byte> data)
    {
        // Entries may be large, so hash incrementally rather than copying into a prefixed buffer.
        using var h = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        h.AppendData([0x00]);
        h.AppendData(data);
        return h.GetHashAndReset();
    }

    /// <summary>SHA-256(0x01 || left || right).</summary>
    public static byte[] NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        var result = new byte[HashSize];
        NodeHash(left, right, result);
        return result;
    }

    private static void NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right, Span<byte> destination)
    {
        Span<byte> buffer = stackalloc byte[1 + 2 * HashSize];
        buffer[0] = 0x01;
        left.CopyTo(buffer[1..]);
        right.CopyTo(buffer[(1 + HashSize)..]);
        SHA256.HashData(buffer, destination);
    }

    /// <summary>MTH(D[n]) over the given leaf hashes.</summary>
    public static byte[] RootHash(IReadOnlyList<byte[]> leafHashes)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        if (leafHashes.Count == 0) return EmptyRoot();
        var root = new byte[HashSize];
        Subtree(leafHashes, 0, leafHashes.Count, root);
        return root;
    }

    /// <summary>MTH(D[start:start+count]) of a tree held elsewhere (e.g. <see cref="MerkleLevels"/>).</summary>
    public delegate byte[] SubtreeHash(long start, long count);

    /// <summary>PATH(m, D[n]) (§2.1.3.1): the audit path for the leaf at <paramref name="index"/>, leaf side first.</summary>
    public static IReadOnlyList<byte[]> InclusionProof(IReadOnlyList<byte[]> leafHashes, int index)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        return InclusionProof(index, leafHashes.Count, ListSubtree(leafHashes));
    }

    /// <summary>PATH over a tree of <paramref name="treeSize"/> leaves whose subtree hashes come from <paramref name="subtree"/>.</summary>
    public static IReadOnlyList<byte[]> InclusionProof(long index, long treeSize, SubtreeHash subtree)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, treeSize);

        // The recursion appends the sibling after the sub-path, so walking top-down collects
        // siblings root side first; reverse at the end to get the RFC order.
        var path = new List<byte[]>();
        long start = 0, count = treeSize, m = index;
        while (count > 1)
        {
            var k = SplitPoint(count);
            if (m < k)
            {
                path.Add(subtree(start + k, count - k));
                count = k;
            }
            else
            {
                path.Add(subtree(start, k));
                start += k;
                count -= k;
                m -= k;
            }
        }
        path.Reverse();
        return path;
    }

    /// <summary>
    /// PROOF(m, D[n]) (§2.1.4.1) that the first <paramref name="m"/> leaves are a prefix of all of them.
    /// Defined for 0 &lt; m ≤ n; for m = n the proof is empty.
    /// </summary>
    public static IReadOnlyList<byte[]> ConsistencyProof(IReadOnlyList<byte[]> leafHashes, int m)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        return ConsistencyProof(m, leafHashes.Count, ListSubtree(leafHashes));
    }

    /// <summary>PROOF(m, D[n]) over a tree whose subtree hashes come from <paramref name="subtree"/>.</summary>
    public static IReadOnlyList<byte[]> ConsistencyProof(long m, long n, SubtreeHash subtree)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(m);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(m, n);

        // SUBPROOF(m, D[start:start+count], b), unrolled: as for PATH, siblings come out root side first.
        var proof = new List<byte[]>();
        long start = 0, count = n;
        var b = true;
        while (m != count)
        {
            var k = SplitPoint(count);
            if (m <= k)
            {
                proof.Add(subtree(start + k, count - k));
                count = k;
            }
            else
            {
                proof.Add(subtree(start, k));
                start += k;
                count -= k;
                m -= k;
                b = false;
            }
        }
        // SUBPROOF(m, D[m], false) = {MTH(D[m])}: the old tree is not a complete subtree of the
        // new one at this point, so the verifier needs its hash.
        if (!b) proof.Add(subtree(start, count));
        proof.Reverse();
        return proof;
    }

    private static SubtreeHash ListSubtree(IReadOnlyList<byte[]> leaves) => (start, count) =>
    {
        var node = new byte[HashSize];
        Subtree(leaves, checked((int)start), checked((int)count), node);
        return node;
    };

    /// <summary>Verifies an inclusion proof as in §2.1.3.2. Returns false, never throws, on malformed input.</summary>
    public static bool VerifyInclusion(long index, long treeSize, byte[]? leafHash, IReadOnlyList<byte[]>? proof, byte[]? rootHash)
    {
        if (index < 0 || treeSize <= 0 || index >= treeSize) return false;
        if (!IsHash(leafHash) || !IsHash(rootHash) || proof is null) return false;
        // No valid path is longer than the tree height; bounding it also bounds the work on hostile input.
        if (proof.Count > 64) return false;

        var fn = (ulong)index;
        var sn = (ulong)(treeSize - 1);
        Span<byte> r = stackalloc byte[HashSize];
        leafHash.CopyTo(r);
        foreach (var p in proof)
        {
            if (!IsHash(p) || sn == 0) return false;
            if ((fn & 1) == 1 || fn == sn)
            {
                NodeHash(p, r, r);
                // Skip levels where this node is a right-edge node with no sibling.
                while ((fn & 1) == 0 && fn != 0) { fn >>= 1; sn >>= 1; }
            }
            else
            {
                NodeHash(r, p, r);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && CryptographicOperations.FixedTimeEquals(r, rootHash);
    }

    /// <summary>
    /// Verifies that a tree of size <paramref name="m"/> is a prefix of one of size <paramref name="n"/>, as in §2.1.4.2.
    /// For m = n the proof must be empty and the roots equal. Returns false, never throws, on malformed input.
    /// </summary>
    public static bool VerifyConsistency(long m, long n, byte[]? oldRoot, byte[]? newRoot, IReadOnlyList<byte[]>? proof)
    {
        if (m <= 0 || n < m) return false;
        if (!IsHash(oldRoot) || !IsHash(newRoot) || proof is null || proof.Count > 64) return false;
        foreach (var c in proof)
            if (!IsHash(c)) return false;

        if (m == n) return proof.Count == 0 && CryptographicOperations.FixedTimeEquals(oldRoot, newRoot);
        if (proof.Count == 0) return false;

        // When m is a power of two the old tree is a complete subtree of the new one,
        // so the proof omits its hash and the verifier starts from the old root.
        var path = BitOperations.IsPow2((ulong)m) ? proof.Prepend(oldRoot) : proof;

        var fn = (ulong)(m - 1);
        var sn = (ulong)(n - 1);
        while ((fn & 1) == 1) { fn >>= 1; sn >>= 1; }

        Span<byte> fr = stackalloc byte[HashSize];
        Span<byte> sr = stackalloc byte[HashSize];
        var first = true;
        foreach (var c in path)
        {
            if (first)
            {
                c.CopyTo(fr);
                c.CopyTo(sr);
                first = false;
                continue;
            }
            if (sn == 0) return false;
            if ((fn & 1) == 1 || fn == sn)
            {
                NodeHash(c, fr, fr);
                NodeHash(c, sr, sr);
                while ((fn & 1) == 0 && fn != 0) { fn >>= 1; sn >>= 1; }
            }
            else
            {
                NodeHash(sr, c, sr);
            }
            fn >>= 1;
            sn >>= 1;
        }
        // Non-short-circuit & so both comparisons always run.
        return sn == 0
               & CryptographicOperations.FixedTimeEquals(fr, oldRoot)
               & CryptographicOperations.FixedTimeEquals(sr, newRoot);
    }

    /// <summary>The largest power of two strictly smaller than <paramref name="n"/> (n &gt; 1): where MTH splits.</summary>
    internal static int SplitPoint(int n) => 1 << (BitOperations.Log2((uint)(n - 1)));

    internal static long SplitPoint(long n) => 1L << (BitOperations.Log2((ulong)(n - 1)));

    /// <summary>MTH(D[start:start+count]) written to <paramref name="destination"/>; recursion over ranges, no list copies.</summary>
    private static void Subtree(IReadOnlyList<byte[]> leaves, int start, int count, Span<byte> destination)
    {
        if (count == 1)
        {
            var leaf = leaves[start];
            if (leaf is not { Length: HashSize })
                throw new ArgumentException($"Leaf hash {start} is not {HashSize} bytes.", nameof(leaves));
            leaf.CopyTo(destination);
            return;
        }
        var k = SplitPoint(count);
        // Children are hashed straight into the node buffer to avoid per-node allocations.
        Span<byte> buffer = stackalloc byte[1 + 2 * HashSize];
        buffer[0] = 0x01;
        Subtree(leaves, start, k, buffer.Slice(1, HashSize));
        Subtree(leaves, start + k, count - k, buffer.Slice(1 + HashSize, HashSize));
        SHA256.HashData(buffer, destination);
    }

    private static bool IsHash([System.Diagnostics.CodeAnalysis.NotNullWhen(true)] byte[]? hash) => hash is { Length: HashSize };
}
