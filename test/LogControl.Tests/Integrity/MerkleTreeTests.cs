using System.Security.Cryptography;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using LogControl.Integrity;

namespace LogControl.Tests.Integrity;

/// <summary>RFC 9162 §2.1 Merkle trees: published vectors, a naive reference, and proof properties.</summary>
public sealed class MerkleTreeTests
{
    private const int MaxSize = 300;

    // Distinct leaves, so two different subtrees never share a hash except by a SHA-256 collision.
    private static readonly byte[][] Leaves =
        Enumerable.Range(0, MaxSize).Select(i => MerkleTree.LeafHash(BitConverter.GetBytes(i))).ToArray();

    private static IReadOnlyList<byte[]> Prefix(int n) => new ArraySegment<byte[]>(Leaves, 0, n);

    // ---- Reference vectors (RFC 6962 / CT test data) ----

    private static readonly string[] VectorLeaves =
        ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"];

    // Published roots for the first 1..8 of the leaves above; cross-checked against a separate
    // implementation of MTH before being written down here.
    private static readonly string[] VectorRoots =
    [
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ];

    [Fact]
    public void empty_tree_root_is_sha256_of_the_empty_string()
    {
        Convert.ToHexStringLower(MerkleTree.RootHash([]))
            .ShouldBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        Convert.ToHexStringLower(new CompactRange().Root()).ShouldBe(Convert.ToHexStringLower(MerkleTree.RootHash([])));
    }

    [Fact]
    public void roots_match_the_published_test_vectors()
    {
        var leafHashes = VectorLeaves.Select(h => MerkleTree.LeafHash(Convert.FromHexString(h))).ToArray();
        for (var n = 1; n <= leafHashes.Length; n++)
        {
            Convert.ToHexStringLower(MerkleTree.RootHash(leafHashes[..n])).ShouldBe(VectorRoots[n - 1], $"size {n}");
            Convert.ToHexStringLower(Naive.Mth(leafHashes[..n])).ShouldBe(VectorRoots[n - 1], $"naive, size {n}");
        }
    }

    [Fact]
    public void vector_proofs_verify_against_the_published_roots()
    {
        var leafHashes = VectorLeaves.Select(h => MerkleTree.LeafHash(Convert.FromHexString(h))).ToArray();
        var roots = VectorRoots.Select(Convert.FromHexString).ToArray();
        for (var n = 1; n <= 8; n++)
        {
            for (var i = 0; i < n; i++)
                MerkleTree.VerifyInclusion(i, n, leafHashes[i], MerkleTree.InclusionProof(leafHashes[..n], i), roots[n - 1])
                    .ShouldBeTrue($"inclusion {i} in {n}");
            for (var m = 1; m <= n; m++)
                MerkleTree.VerifyConsistency(m, n, roots[m - 1], roots[n - 1], MerkleTree.ConsistencyProof(leafHashes[..n], m))
                    .ShouldBeTrue($"consistency {m} to {n}");
        }
    }

    [Fact]
    public void leaf_and_node_hashes_are_domain_separated()
    {
        MerkleTree.LeafHash([]).ShouldBe(SHA256.HashData(new byte[] { 0x00 }));
        var l = Leaves[0];
        var r = Leaves[1];
        MerkleTree.NodeHash(l, r).ShouldBe(SHA256.HashData([0x01, .. l, .. r]));
    }

    // ---- Agreement with the RFC's recursive definitions ----

    private static readonly Arbitrary<(int N, int Index)> SizeAndIndex =
        (from n in Gen.Choose(1, MaxSize)
         from i in Gen.Choose(0, n - 1)
         select (n, i)).ToArbitrary();

    private static readonly Arbitrary<(int M, int N)> OldAndNewSize =
        (from n in Gen.Choose(1, MaxSize)
         from m in Gen.Choose(1, n)
         select (m, n)).ToArbitrary();

    [Property(MaxTest = 200)]
    public Property root_and_inclusion_proof_match_the_recursive_definition() =>
        Prop.ForAll(SizeAndIndex, t =>
        {
            var leaves = Prefix(t.N);
            var slice = Leaves[..t.N];
            return (MerkleTree.RootHash(leaves).SequenceEqual(Naive.Mth(slice))
                    && Same(MerkleTree.InclusionProof(leaves, t.Index), Naive.Path(t.Index, slice)))
                .Label($"n={t.N} i={t.Index}");
        });

    [Property(MaxTest = 200)]
    public Property consistency_proof_matches_the_recursive_definition() =>
        Prop.ForAll(OldAndNewSize, t =>
            Same(MerkleTree.ConsistencyProof(Prefix(t.N), t.M), Naive.Proof(t.M, Leaves[..t.N]))
                .Label($"m={t.M} n={t.N}"));

    [Fact]
    public void compact_range_root_matches_at_every_size()
    {
        var range = new CompactRange();
        for (var n = 1; n <= MaxSize; n++)
        {
            range.Append(Leaves[n - 1]);
            range.Size.ShouldBe(n);
            range.Root().ShouldBe(MerkleTree.RootHash(Prefix(n)), $"size {n}");
        }
    }

    // ---- Proofs verify ----

    [Property(MaxTest = 300)]
    public Property every_inclusion_proof_verifies() =>
        Prop.ForAll(SizeAndIndex, t =>
        {
            var leaves = Prefix(t.N);
            return MerkleTree.VerifyInclusion(t.Index, t.N, Leaves[t.Index], MerkleTree.InclusionProof(leaves, t.Index), MerkleTree.RootHash(leaves))
                .Label($"n={t.N} i={t.Index}");
        });

    [Property(MaxTest = 300)]
    public Property every_consistency_proof_verifies() =>
        Prop.ForAll(OldAndNewSize, t =>
            MerkleTree.VerifyConsistency(t.M, t.N, MerkleTree.RootHash(Prefix(t.M)), MerkleTree.RootHash(Prefix(t.N)),
                    MerkleTree.ConsistencyProof(Prefix(t.N), t.M))
                .Label($"m={t.M} n={t.N}"));

    [Fact]
    public void all_proofs_verify_exhaustively_for_small_trees()
    {
        for (var n = 1; n <= 64; n++)
        {
            var leaves = Prefix(n);
            var root = MerkleTree.RootHash(leaves);
            for (var i = 0; i < n; i++)
                MerkleTree.VerifyInclusion(i, n, Leaves[i], MerkleTree.InclusionProof(leaves, i), root).ShouldBeTrue($"i={i} n={n}");
            for (var m = 1; m <= n; m++)
                MerkleTree.VerifyConsistency(m, n, MerkleTree.RootHash(Prefix(m)), root, MerkleTree.ConsistencyProof(leaves, m))
                    .ShouldBeTrue($"m={m} n={n}");
        }
    }

    // ---- Tampering is detected ----

    private static readonly Gen<(int Byte, byte Mask)> Flip =
        from b in Gen.Choose(0, MerkleTree.HashSize - 1)
        from mask in Gen.Choose(1, 255)
        select (b, (byte)mask);

    private static byte[] Flipped(byte[] hash, (int Byte, byte Mask) flip)
    {
        var copy = (byte[])hash.Clone();
        copy[flip.Byte] ^= flip.Mask;
        return copy;
    }

    private static IReadOnlyList<byte[]> FlippedAt(IReadOnlyList<byte[]> proof, int at, (int Byte, byte Mask) flip) =>
        proof.Select((p, k) => k == at ? Flipped(p, flip) : p).ToList();

    [Property(MaxTest = 300)]
    public Property flipping_any_byte_breaks_an_inclusion_proof() =>
        Prop.ForAll((from t in SizeAndIndex.Generator
                     from target in Gen.Choose(-2, 64) // -2 leaf, -1 root, otherwise a proof element (mod length)
                     from flip in Flip
                     select (t.N, t.Index, target, flip)).ToArbitrary(), x =>
        {
            var leaves = Prefix(x.N);
            var proof = MerkleTree.InclusionProof(leaves, x.Index);
            var root = MerkleTree.RootHash(leaves);
            var leaf = Leaves[x.Index];
            var target = x.target >= 0 && proof.Count == 0 ? -2 : x.target;
            var ok = target switch
            {
                -2 => MerkleTree.VerifyInclusion(x.Index, x.N, Flipped(leaf, x.flip), proof, root),
                -1 => MerkleTree.VerifyInclusion(x.Index, x.N, leaf, proof, Flipped(root, x.flip)),
                _ => MerkleTree.VerifyInclusion(x.Index, x.N, leaf, FlippedAt(proof, target % proof.Count, x.flip), root),
            };
            return (!ok).Label($"n={x.N} i={x.Index} target={target}");
        });

    [Property(MaxTest = 300)]
    public Property flipping_any_byte_breaks_a_consistency_proof() =>
        Prop.ForAll((from t in OldAndNewSize.Generator
                     from target in Gen.Choose(-2, 64) // -2 old root, -1 new root, otherwise a proof element (mod length)
                     from flip in Flip
                     select (t.M, t.N, target, flip)).ToArbitrary(), x =>
        {
            var proof = MerkleTree.ConsistencyProof(Prefix(x.N), x.M);
            var oldRoot = MerkleTree.RootHash(Prefix(x.M));
            var newRoot = MerkleTree.RootHash(Prefix(x.N));
            var target = x.target >= 0 && proof.Count == 0 ? -2 : x.target;
            var ok = target switch
            {
                -2 => MerkleTree.VerifyConsistency(x.M, x.N, Flipped(oldRoot, x.flip), newRoot, proof),
                -1 => MerkleTree.VerifyConsistency(x.M, x.N, oldRoot, Flipped(newRoot, x.flip), proof),
                _ => MerkleTree.VerifyConsistency(x.M, x.N, oldRoot, newRoot, FlippedAt(proof, target % proof.Count, x.flip)),
            };
            return (!ok).Label($"m={x.M} n={x.N} target={target}");
        });

    [Property(MaxTest = 300)]
    public Property consistency_rejects_a_new_tree_that_rewrote_an_old_leaf() =>
        Prop.ForAll((from t in OldAndNewSize.Generator
                     from j in Gen.Choose(0, t.M - 1)
                     select (t.M, t.N, j)).ToArbitrary(), x =>
        {
            var oldRoot = MerkleTree.RootHash(Prefix(x.M));
            // The rewritten log is internally consistent; only the comparison with the old root can catch it.
            var rewritten = Leaves[..x.N];
            rewritten[x.j] = MerkleTree.LeafHash("tampered"u8);
            var proof = MerkleTree.ConsistencyProof(rewritten, x.M);
            return (!MerkleTree.VerifyConsistency(x.M, x.N, oldRoot, MerkleTree.RootHash(rewritten), proof))
                .Label($"m={x.M} n={x.N} rewrote {x.j}");
        });

    // ---- Wrong positions, sizes and shapes fail without throwing ----

    [Property(MaxTest = 300)]
    public Property inclusion_proof_fails_for_another_index_or_size() =>
        Prop.ForAll((from t in SizeAndIndex.Generator
                     from otherIndex in Gen.Choose(-2, MaxSize + 2)
                     from otherSize in Gen.Choose(-2, MaxSize + 2)
                     select (t.N, t.Index, otherIndex, otherSize)).ToArbitrary(), x =>
        {
            var leaves = Prefix(x.N);
            var proof = MerkleTree.InclusionProof(leaves, x.Index);
            var root = MerkleTree.RootHash(leaves);
            var leaf = Leaves[x.Index];
            var wrongIndex = x.otherIndex == x.Index
                             || !MerkleTree.VerifyInclusion(x.otherIndex, x.N, leaf, proof, root);
            // The tree size is bound by the root (a signed tree head), so a wrong size is checked against that size's root.
            var otherRoot = x.otherSize is > 0 and <= MaxSize ? MerkleTree.RootHash(Prefix(x.otherSize)) : root;
            var wrongSize = x.otherSize == x.N || x.otherSize > MaxSize   // no root of that size to check against
                            || !MerkleTree.VerifyInclusion(x.Index, x.otherSize, leaf, proof, otherRoot);
            return (wrongIndex && wrongSize).Label($"n={x.N} i={x.Index} other i={x.otherIndex} other n={x.otherSize}");
        });

    [Property(MaxTest = 300)]
    public Property consistency_proof_fails_for_other_sizes() =>
        Prop.ForAll((from t in OldAndNewSize.Generator
                     from otherM in Gen.Choose(-2, MaxSize + 2)
                     from otherN in Gen.Choose(-2, MaxSize + 2)
                     select (t.M, t.N, otherM, otherN)).ToArbitrary(), x =>
        {
            var proof = MerkleTree.ConsistencyProof(Prefix(x.N), x.M);
            var oldRoot = MerkleTree.RootHash(Prefix(x.M));
            var newRoot = MerkleTree.RootHash(Prefix(x.N));
            byte[] RootOf(int size, byte[] fallback) => size is > 0 and <= MaxSize ? MerkleTree.RootHash(Prefix(size)) : fallback;
            // A size beyond the trees built here has no root of its own to check against; pairing it with the real
            // root is exactly the relabelling the proof cannot detect (see below), so it is not a counterexample.
            var wrongOld = x.otherM == x.M || x.otherM > MaxSize
                           || !MerkleTree.VerifyConsistency(x.otherM, x.N, RootOf(x.otherM, oldRoot), newRoot, proof);
            var wrongNew = x.otherN == x.N || x.otherN > MaxSize
                           || !MerkleTree.VerifyConsistency(x.M, x.otherN, oldRoot, RootOf(x.otherN, newRoot), proof);
            // Sizes are bound by the roots (signed tree heads), not by the proof: RFC 9162's verifier
            // only reads the bit pattern of (m-1, n-1), so relabelling both roots with other sizes of
            // the same pattern (e.g. 22->101 as 88->284) still verifies. Hence each wrong size is
            // checked against the root of a tree of that size.
            return (wrongOld && wrongNew).Label($"m={x.M} n={x.N} other m={x.otherM} other n={x.otherN}");
        });

    [Property(MaxTest = 200)]
    public Property padded_or_truncated_proofs_fail() =>
        Prop.ForAll(OldAndNewSize, t =>
        {
            var n = t.N;
            var i = t.M - 1; // any valid index
            var leaves = Prefix(n);
            var root = MerkleTree.RootHash(leaves);
            var oldRoot = MerkleTree.RootHash(Prefix(t.M));
            var path = MerkleTree.InclusionProof(leaves, i);
            var proof = MerkleTree.ConsistencyProof(leaves, t.M);
            var extra = Leaves[0];
            return (!MerkleTree.VerifyInclusion(i, n, Leaves[i], [.. path, extra], root)
                    && (path.Count == 0 || !MerkleTree.VerifyInclusion(i, n, Leaves[i], path.Take(path.Count - 1).ToList(), root))
                    && !MerkleTree.VerifyConsistency(t.M, n, oldRoot, root, [.. proof, extra])
                    && (proof.Count == 0 || !MerkleTree.VerifyConsistency(t.M, n, oldRoot, root, proof.Take(proof.Count - 1).ToList())))
                .Label($"m={t.M} n={n}");
        });

    [Fact]
    public void malformed_input_returns_false_without_throwing()
    {
        var leaves = Prefix(10);
        var root = MerkleTree.RootHash(leaves);
        var path = MerkleTree.InclusionProof(leaves, 3);
        var proof = MerkleTree.ConsistencyProof(leaves, 5);
        var oldRoot = MerkleTree.RootHash(Prefix(5));
        byte[] shortHash = new byte[31], longHash = new byte[33];

        MerkleTree.VerifyInclusion(3, 10, Leaves[3], path, root).ShouldBeTrue(); // the baseline holds
        MerkleTree.VerifyInclusion(3, 10, null, path, root).ShouldBeFalse();
        MerkleTree.VerifyInclusion(3, 10, Leaves[3], null, root).ShouldBeFalse();
        MerkleTree.VerifyInclusion(3, 10, Leaves[3], path, null).ShouldBeFalse();
        MerkleTree.VerifyInclusion(3, 10, shortHash, path, root).ShouldBeFalse();
        MerkleTree.VerifyInclusion(3, 10, Leaves[3], path, longHash).ShouldBeFalse();
        MerkleTree.VerifyInclusion(3, 10, Leaves[3], [null!, .. path.Skip(1)], root).ShouldBeFalse();
        MerkleTree.VerifyInclusion(3, 10, Leaves[3], [shortHash, .. path.Skip(1)], root).ShouldBeFalse();
        MerkleTree.VerifyInclusion(3, 10, Leaves[3], [], root).ShouldBeFalse();
        MerkleTree.VerifyInclusion(-1, 10, Leaves[3], path, root).ShouldBeFalse();
        MerkleTree.VerifyInclusion(10, 10, Leaves[3], path, root).ShouldBeFalse();
        MerkleTree.VerifyInclusion(0, 0, Leaves[3], path, root).ShouldBeFalse();
        MerkleTree.VerifyInclusion(long.MaxValue, long.MaxValue, Leaves[3], path, root).ShouldBeFalse();
        MerkleTree.VerifyInclusion(long.MaxValue - 1, long.MaxValue, Leaves[3], Enumerable.Repeat(Leaves[0], 70).ToList(), root).ShouldBeFalse();
        MerkleTree.VerifyInclusion(3, long.MinValue, Leaves[3], path, root).ShouldBeFalse();

        MerkleTree.VerifyConsistency(5, 10, oldRoot, root, proof).ShouldBeTrue(); // the baseline holds
        MerkleTree.VerifyConsistency(0, 10, MerkleTree.RootHash([]), root, []).ShouldBeFalse();
        MerkleTree.VerifyConsistency(0, 10, oldRoot, root, proof).ShouldBeFalse();
        MerkleTree.VerifyConsistency(11, 10, oldRoot, root, proof).ShouldBeFalse();
        MerkleTree.VerifyConsistency(-5, 10, oldRoot, root, proof).ShouldBeFalse();
        MerkleTree.VerifyConsistency(5, 10, oldRoot, root, []).ShouldBeFalse();
        MerkleTree.VerifyConsistency(5, 10, null, root, proof).ShouldBeFalse();
        MerkleTree.VerifyConsistency(5, 10, oldRoot, shortHash, proof).ShouldBeFalse();
        MerkleTree.VerifyConsistency(5, 10, oldRoot, root, null).ShouldBeFalse();
        MerkleTree.VerifyConsistency(5, 10, oldRoot, root, [null!, .. proof.Skip(1)]).ShouldBeFalse();
        MerkleTree.VerifyConsistency(5, 10, oldRoot, root, [longHash, .. proof.Skip(1)]).ShouldBeFalse();
        MerkleTree.VerifyConsistency(10, 10, root, root, proof).ShouldBeFalse(); // equal sizes take the empty proof
        MerkleTree.VerifyConsistency(10, 10, oldRoot, root, []).ShouldBeFalse();
        MerkleTree.VerifyConsistency(long.MaxValue - 1, long.MaxValue, oldRoot, root, proof).ShouldBeFalse();
        MerkleTree.VerifyConsistency(1L << 62, long.MaxValue, oldRoot, root, Enumerable.Repeat(Leaves[0], 64).ToList()).ShouldBeFalse();
    }

    [Fact]
    public void proof_builders_reject_invalid_arguments()
    {
        Should.Throw<ArgumentOutOfRangeException>(() => MerkleTree.InclusionProof(Prefix(4), 4));
        Should.Throw<ArgumentOutOfRangeException>(() => MerkleTree.InclusionProof(Prefix(4), -1));
        Should.Throw<ArgumentOutOfRangeException>(() => MerkleTree.InclusionProof([], 0));
        Should.Throw<ArgumentOutOfRangeException>(() => MerkleTree.ConsistencyProof(Prefix(4), 0));
        Should.Throw<ArgumentOutOfRangeException>(() => MerkleTree.ConsistencyProof(Prefix(4), 5));
        Should.Throw<ArgumentException>(() => MerkleTree.RootHash([new byte[31]]));
        Should.Throw<ArgumentException>(() => new CompactRange().Append(new byte[33]));
    }

    private static bool Same(IReadOnlyList<byte[]> a, IReadOnlyList<byte[]> b) =>
        a.Count == b.Count && a.Zip(b).All(p => p.First.SequenceEqual(p.Second));

    /// <summary>RFC 9162 §2.1 transcribed literally (list slicing and all), as an oracle for the efficient version.</summary>
    private static class Naive
    {
        private static byte[] H(params byte[][] parts) => SHA256.HashData(parts.SelectMany(p => p).ToArray());

        private static int K(int n)
        {
            var k = 1;
            while (k * 2 < n) k *= 2;
            return k;
        }

        // Inputs are leaf hashes, so MTH({d0}) = SHA-256(0x00 || d0) is already applied.
        public static byte[] Mth(byte[][] d) => d.Length switch
        {
            0 => H(),
            1 => d[0],
            _ => H([0x01], Mth(d[..K(d.Length)]), Mth(d[K(d.Length)..])),
        };

        public static List<byte[]> Path(int m, byte[][] d)
        {
            if (d.Length == 1) return [];
            var k = K(d.Length);
            return m < k
                ? [.. Path(m, d[..k]), Mth(d[k..])]
                : [.. Path(m - k, d[k..]), Mth(d[..k])];
        }

        public static List<byte[]> Proof(int m, byte[][] d) => SubProof(m, d, true);

        private static List<byte[]> SubProof(int m, byte[][] d, bool b)
        {
            if (m == d.Length) return b ? [] : [Mth(d)];
            var k = K(d.Length);
            return m <= k
                ? [.. SubProof(m, d[..k], b), Mth(d[k..])]
                : [.. SubProof(m - k, d[k..], false), Mth(d[..k])];
        }
    }
}
