using System.Text;
using LogControl.Integrity;
using LogControl.Tests.Support;
using NodaTime;
using Shouldly;

namespace LogControl.Tests.Integrity;

public sealed class CheckpointTests
{
    private static readonly byte[] Root = MerkleTree.LeafHash("root"u8);

    [Fact]
    public void A_signed_checkpoint_verifies_and_any_changed_field_does_not()
    {
        using var signer = CheckpointSigner.FromBase64(Convert.ToBase64String(new byte[32]));
        var c = signer.Sign(42, Root, 57, Instant.FromUtc(2026, 11, 24, 4, 0, 0));
        signer.PublicKey.Verify(c).ShouldBeTrue();

        signer.PublicKey.Verify(c with { Size = 43 }).ShouldBeFalse();
        signer.PublicKey.Verify(c with { LastSeq = 58 }).ShouldBeFalse();
        signer.PublicKey.Verify(c with { Time = c.Time + Duration.FromTicks(10) }).ShouldBeFalse();
        signer.PublicKey.Verify(c with { Root = MerkleTree.LeafHash("other"u8) }).ShouldBeFalse();
        var sig = (byte[])c.Signature.Clone();
        sig[0] ^= 1;
        signer.PublicKey.Verify(c with { Signature = sig }).ShouldBeFalse();

        using var other = CheckpointSigner.FromBase64(Convert.ToBase64String(Enumerable.Repeat((byte)7, 32).ToArray()));
        other.PublicKey.Verify(c).ShouldBeFalse();
    }

    [Fact]
    public void The_external_log_line_round_trips_exactly()
    {
        using var signer = CheckpointSigner.FromBase64(Convert.ToBase64String(new byte[32]));
        var c = signer.Sign(1_000_000, Root, 1_000_017, Instant.FromUtc(2026, 3, 29, 1, 30, 0) + Duration.FromNanoseconds(123_456_789));
        c.Time.ToUnixTimeTicks().ShouldBe(c.Time.ToUnixTimeTicks() / 10 * 10, "signed at microsecond precision");
        var back = Checkpoint.ParseLine(c.ToJsonLine());
        back.SameAs(c).ShouldBeTrue();
        signer.PublicKey.Verify(back).ShouldBeTrue();
        Encoding.UTF8.GetString(c.SignedBody()).ShouldStartWith("logcontrol checkpoint v1\nsize 1000000\n");
    }

    [Fact]
    public void The_signing_key_file_is_created_once_readable_by_its_owner_only()
    {
        var dir = IngestTestKit.TempDir();
        var path = Path.Combine(dir, "keys", "signing.key");
        var created = 0;
        using (var first = CheckpointSigner.LoadOrCreate(path, _ => created++))
        using (var second = CheckpointSigner.LoadOrCreate(path, _ => created++))
        {
            created.ShouldBe(1);
            second.PublicKey.KeyId.ShouldBe(first.PublicKey.KeyId);
            CheckpointPublicKey.Load(CheckpointSigner.PublicKeyPath(path)).KeyId.ShouldBe(first.PublicKey.KeyId);
        }
        if (!OperatingSystem.IsWindows())
            File.GetUnixFileMode(path).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }
}
