using LogControl.Integrity;
using Shouldly;

namespace LogControl.Tests.Integrity;

/// <summary>The cached tree gives exactly the reference implementation's roots and proofs, for every size and index.</summary>
public sealed class MerkleLevelsTests
{
    private static readonly byte[][] Leaves =
        Enumerable.Range(0, 140).Select(i => MerkleTree.LeafHash(BitConverter.GetBytes(i * 7919))).ToArray();

    [Fact]
    public void Roots_inclusion_and_consistency_proofs_match_the_reference_for_all_small_trees()
    {
        var levels = new MerkleLevels(Leaves);
        levels.Root(0).ShouldBe(MerkleTree.EmptyRoot());
        for (var n = 1; n <= Leaves.Length; n++)
        {
            var prefix = new ArraySegment<byte[]>(Leaves, 0, n);
            var root = MerkleTree.RootHash(prefix);
            levels.Root(n).ShouldBe(root, $"root of {n}");
            for (var i = 0; i < n; i++)
            {
                var path = levels.InclusionProof(i, n);
                path.ShouldBe(MerkleTree.InclusionProof(prefix, i), $"path {i} of {n}");
                MerkleTree.VerifyInclusion(i, n, Leaves[i], path, root).ShouldBeTrue();
            }
            for (var m = 1; m <= n; m++)
            {
                var proof = levels.ConsistencyProof(m, n);
                proof.ShouldBe(MerkleTree.ConsistencyProof(prefix, m), $"consistency {m}→{n}");
                MerkleTree.VerifyConsistency(m, n, MerkleTree.RootHash(new ArraySegment<byte[]>(Leaves, 0, m)), root, proof).ShouldBeTrue();
            }
        }
    }

    [Fact]
    public void A_compact_range_restored_from_its_peaks_continues_to_the_same_roots()
    {
        var range = new CompactRange();
        for (var n = 0; n < Leaves.Length; n++)
        {
            var restored = CompactRange.Restore(range.Size, range.Peaks);
            restored.Append(Leaves[n]);
            range.Append(Leaves[n]);
            restored.Root().ShouldBe(range.Root());
            range.Root().ShouldBe(MerkleTree.RootHash(new ArraySegment<byte[]>(Leaves, 0, n + 1)));
        }
        Should.Throw<ArgumentException>(() => CompactRange.Restore(5, [Leaves[0]]));
    }
}
