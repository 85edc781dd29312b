using System.Numerics;

namespace LogControl.Integrity;

/// <summary>
/// All perfect, aligned subtree hashes of a tree, level by level (about 2n hashes). Any subtree hash that
/// the RFC 9162 recursion asks for is then O(log n) work, so roots at many sizes, inclusion proofs and
/// consistency proofs over millions of leaves cost microseconds each instead of a pass over all leaves.
/// </summary>
public sealed class MerkleLevels
{
    // _levels[k] holds the hashes of subtrees of 2^k leaves starting at multiples of 2^k, back to back.
    private readonly List<byte[]> _levels = [];

    public long Size { get; }

    public MerkleLevels(IReadOnlyList<byte[]> leafHashes)
    {
        ArgumentNullException.ThrowIfNull(leafHashes);
        Size = leafHashes.Count;
        var level = new byte[leafHashes.Count * MerkleTree.HashSize];
        for (var i = 0; i < leafHashes.Count; i++)
        {
            if (leafHashes[i] is not { Length: MerkleTree.HashSize })
                throw new ArgumentException($"Leaf hash {i} is not {MerkleTree.HashSize} bytes.", nameof(leafHashes));
            leafHashes[i].CopyTo(level, i * MerkleTree.HashSize);
        }
        _levels.Add(level);
        while (level.Length >= 2 * MerkleTree.HashSize)
        {
            var pairs = level.Length / (2 * MerkleTree.HashSize);
            var next = new byte[pairs * MerkleTree.HashSize];
            for (var i = 0; i < pairs; i++)
            {
                var node = MerkleTree.NodeHash(level.AsSpan(2 * i * MerkleTree.HashSize, MerkleTree.HashSize),
                    level.AsSpan((2 * i + 1) * MerkleTree.HashSize, MerkleTree.HashSize));
                node.CopyTo(next, i * MerkleTree.HashSize);
            }
            _levels.Add(next);
            level = next;
        }
    }

    public byte[] Leaf(long index) => Node(0, index);

    /// <summary>MTH(D[0:size]) for any size up to <see cref="Size"/>: the root a checkpoint of that size signed.</summary>
    public byte[] Root(long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(size, Size);
        return size == 0 ? MerkleTree.EmptyRoot() : Subtree(0, size);
    }

    /// <summary>MTH(D[start:start+count]) for the ranges the RFC recursion visits (left parts are aligned powers of two).</summary>
    public byte[] Subtree(long start, long count)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        if (start < 0 || start + count > Size) throw new ArgumentOutOfRangeException(nameof(start));
        if (BitOperations.IsPow2((ulong)count) && start % count == 0)
            return Node(BitOperations.Log2((ulong)count), start / count);
        var k = MerkleTree.SplitPoint(count);
        return MerkleTree.NodeHash(Subtree(start, k), Subtree(start + k, count - k));
    }

    public IReadOnlyList<byte[]> InclusionProof(long index, long treeSize)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(treeSize, Size);
        return MerkleTree.InclusionProof(index, treeSize, Subtree);
    }

    public IReadOnlyList<byte[]> ConsistencyProof(long m, long n)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(n, Size);
        return MerkleTree.ConsistencyProof(m, n, Subtree);
    }

    private byte[] Node(int level, long index) =>
        _levels[level].AsSpan(checked((int)(index * MerkleTree.HashSize)), MerkleTree.HashSize).ToArray();
}
