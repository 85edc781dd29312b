namespace LogControl.Integrity;

/// <summary>
/// Incremental Merkle root builder: append leaf hashes one at a time and read the RFC 9162 root at
/// any size, keeping only the roots of the perfect subtrees that make up the tree (O(log n) memory).
/// </summary>
public sealed class CompactRange
{
    // Perfect subtree roots, largest (leftmost) first; their sizes are the set bits of Size.
    private readonly List<byte[]> _peaks = [];

    public long Size { get; private set; }

    /// <summary>The perfect subtree roots, largest first: with <see cref="Size"/>, all that is needed to continue later.</summary>
    public IReadOnlyList<byte[]> Peaks => _peaks;

    /// <summary>Continues a range saved as its size and peaks (e.g. next to the last checkpoint).</summary>
    public static CompactRange Restore(long size, IReadOnlyList<byte[]> peaks)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        if (peaks.Count != System.Numerics.BitOperations.PopCount((ulong)size) || peaks.Any(p => p is not { Length: MerkleTree.HashSize }))
            throw new ArgumentException("The peaks do not match the size: one 32-byte hash per set bit of the size.", nameof(peaks));
        var range = new CompactRange { Size = size };
        range._peaks.AddRange(peaks.Select(p => (byte[])p.Clone()));
        return range;
    }

    /// <summary>Appends one leaf hash (see <see cref="MerkleTree.LeafHash"/>).</summary>
    public void Append(byte[] leafHash)
    {
        ArgumentNullException.ThrowIfNull(leafHash);
        if (leafHash.Length != MerkleTree.HashSize)
            throw new ArgumentException($"A leaf hash is {MerkleTree.HashSize} bytes.", nameof(leafHash));

        var node = (byte[])leafHash.Clone();
        // Each trailing 1 bit of the old size is a peak of the same size as the carry: merge, like binary addition.
        for (var size = Size; (size & 1) == 1; size >>= 1)
        {
            node = MerkleTree.NodeHash(_peaks[^1], node);
            _peaks.RemoveAt(_peaks.Count - 1);
        }
        _peaks.Add(node);
        Size++;
    }

    /// <summary>
    /// MTH of everything appended so far. MTH splits at the largest power of two below n, which is
    /// exactly the leftmost peak, so folding the peaks right to left reproduces the recursive definition.
    /// </summary>
    public byte[] Root()
    {
        if (_peaks.Count == 0) return MerkleTree.EmptyRoot();
        var root = _peaks[^1];
        for (var i = _peaks.Count - 2; i >= 0; i--)
            root = MerkleTree.NodeHash(_peaks[i], root);
        return (byte[])root.Clone();
    }
}
