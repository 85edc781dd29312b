using System.Text;
using LogControl.Integrity;
using NodaTime;
using Shouldly;

namespace LogControl.Tests.Integrity;

/// <summary>Offline proofs: valid ones verify without a database; any changed byte of the file or the event fails.</summary>
public sealed class InclusionProofFileTests
{
    private static readonly CheckpointSigner Signer = CheckpointSigner.FromBase64(Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()));

    private static List<EventLeaf> Events(int n) => Enumerable.Range(1, n).Select(i => new EventLeaf(
        i * 3, Guid.NewGuid(), Guid.NewGuid(), i, i % 2 == 0 ? "review_signed_off" : "access_recorded",
        1_790_000_000_000_000 + i, i % 2 == 0 ? $"{{\"note\": \"Granskning klar, åtgärd {i}\"}}" : "{}",
        i % 2 == 0 ? null : Encoding.UTF8.GetBytes($"binary-{i}"))).ToList();

    private static byte[] Proof(List<EventLeaf> events, int index, int size)
    {
        var levels = new MerkleLevels(events.Select(e => e.Hash()).ToList());
        var checkpoint = Signer.Sign(size, levels.Root(size), events[size - 1].Seq, Instant.FromUtc(2026, 11, 24, 5, 0));
        return new InclusionProofFile(events[index], index, levels.InclusionProof(index, size), checkpoint, Signer.PublicKey.Raw).ToBytes();
    }

    [Fact]
    public void Proofs_verify_offline_for_every_leaf_of_several_tree_sizes()
    {
        var events = Events(37);
        foreach (var size in new[] { 1, 2, 7, 16, 37 })
            for (var i = 0; i < size; i++)
                InclusionProofFile.Verify(Proof(events, i, size), Signer.PublicKey).ShouldSatisfyAllConditions(
                    r => r.Ok.ShouldBeTrue(r.Message), r => r.KeyPinned.ShouldBeTrue());
    }

    [Fact]
    public void Changing_any_byte_of_the_proof_file_makes_it_fail()
    {
        var bytes = Proof(Events(21), 12, 21);
        InclusionProofFile.Verify(bytes, Signer.PublicKey).Ok.ShouldBeTrue();
        for (var i = 0; i < bytes.Length; i++)
        {
            foreach (var flip in new byte[] { 0x01, 0x20 })
            {
                var altered = (byte[])bytes.Clone();
                altered[i] ^= flip;
                InclusionProofFile.Verify(altered, Signer.PublicKey).Ok.ShouldBeFalse($"byte {i} ^ {flip:x2} ('{(char)bytes[i]}')");
            }
        }
    }

    [Fact]
    public void A_proof_for_a_changed_event_or_under_another_key_fails()
    {
        var events = Events(9);
        var proof = InclusionProofFile.Parse(Proof(events, 3, 9)); // an event with JSON data
        var changedData = proof with { Event = proof.Event with { Data = proof.Event.Data!.Replace("klar", "KLAR") } };
        InclusionProofFile.Verify(changedData.ToBytes(), Signer.PublicKey).Message.ShouldContain("altered");
        var changedTime = proof with { Event = proof.Event with { TimestampMicros = proof.Event.TimestampMicros + 1 } };
        InclusionProofFile.Verify(changedTime.ToBytes(), Signer.PublicKey).Ok.ShouldBeFalse();
        var otherLeaf = proof with { LeafIndex = 4 };
        InclusionProofFile.Verify(otherLeaf.ToBytes(), Signer.PublicKey).Ok.ShouldBeFalse();

        using var stranger = CheckpointSigner.FromBase64(Convert.ToBase64String(new byte[32]));
        InclusionProofFile.Verify(proof.ToBytes(), stranger.PublicKey).Message.ShouldContain("not the trusted key");
        var unpinned = InclusionProofFile.Verify(proof.ToBytes(), null);
        unpinned.Ok.ShouldBeTrue();
        unpinned.KeyPinned.ShouldBeFalse();
    }

    [Fact]
    public void Every_field_of_an_event_changes_its_leaf()
    {
        var e = Events(2)[1];
        var variants = new[]
        {
            e with { Seq = e.Seq + 1 }, e with { Id = Guid.NewGuid() }, e with { StreamId = Guid.NewGuid() }, e with { Version = e.Version + 1 },
            e with { Type = e.Type + "x" }, e with { TimestampMicros = e.TimestampMicros - 1 }, e with { Data = null }, e with { Data = e.Data + " " },
            e with { BinaryData = [] }, e with { Type = "", Data = e.Type + e.Data },
        };
        var hashes = variants.Select(v => Convert.ToHexString(v.Hash())).Append(Convert.ToHexString(e.Hash())).ToList();
        hashes.Distinct().Count().ShouldBe(hashes.Count);
    }
}
