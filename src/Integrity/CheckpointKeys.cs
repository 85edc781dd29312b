using System.Security.Cryptography;
using NodaTime;
using NSec.Cryptography;

namespace LogControl.Integrity;

/// <summary>An Ed25519 public key that checkpoints are verified against, and its short id.</summary>
public sealed class CheckpointPublicKey
{
    private readonly PublicKey _key;

    public CheckpointPublicKey(byte[] raw)
    {
        if (!PublicKey.TryImport(SignatureAlgorithm.Ed25519, raw, KeyBlobFormat.RawPublicKey, out var key) || key is null)
            throw new FormatException("not an Ed25519 public key (32 raw bytes, base64)");
        _key = key;
        Raw = raw;
        KeyId = IdOf(raw);
    }

    public byte[] Raw { get; }
    public string KeyId { get; }

    /// <summary>First 8 bytes of SHA-256 of the raw key, in hex: enough to tell keys apart in listings.</summary>
    public static string IdOf(byte[] raw) => Convert.ToHexString(SHA256.HashData(raw))[..16].ToLowerInvariant();

    public static CheckpointPublicKey FromBase64(string text) => new(Convert.FromBase64String(text.Trim()));

    public static CheckpointPublicKey Load(string path) => FromBase64(File.ReadAllText(path));

    public bool Verify(Checkpoint c) =>
        c.KeyId == KeyId && c.Signature.Length == SignatureAlgorithm.Ed25519.SignatureSize
        && SignatureAlgorithm.Ed25519.Verify(_key, c.SignedBody(), c.Signature);
}

/// <summary>
/// The Ed25519 key that signs checkpoints. Kept in a file readable by its owner only; the public half sits
/// next to it (<c>.pub</c>) for verifiers. Without the private key nobody can produce a checkpoint that verifies,
/// not even a database superuser.
/// </summary>
public sealed class CheckpointSigner : IDisposable
{
    private readonly Key _key;

    private CheckpointSigner(Key key)
    {
        _key = key;
        PublicKey = new CheckpointPublicKey(key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
    }

    public CheckpointPublicKey PublicKey { get; }

    public static string PublicKeyPath(string keyPath) => keyPath + ".pub";

    /// <summary>Loads the key at <paramref name="path"/>, creating it (mode 600) and its .pub on first use.</summary>
    public static CheckpointSigner LoadOrCreate(string path, Action<string>? created = null)
    {
        if (!File.Exists(path))
        {
            using var fresh = Key.Create(SignatureAlgorithm.Ed25519, new KeyCreationParameters { ExportPolicy = KeyExportPolicies.AllowPlaintextExport });
            var seed = Convert.ToBase64String(fresh.Export(KeyBlobFormat.RawPrivateKey));
            var pub = Convert.ToBase64String(fresh.PublicKey.Export(KeyBlobFormat.RawPublicKey));
            Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
            // Temporary file moved into place without overwriting: two processes starting at once agree on one key.
            var temp = $"{path}.{Guid.NewGuid():N}.tmp";
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var w = new StreamWriter(new FileStream(temp, options))) w.Write(seed);
            try
            {
                File.Move(temp, path, overwrite: false);
                File.WriteAllText(PublicKeyPath(path), pub + "\n");
                created?.Invoke(path);
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(temp);
            }
        }
        return FromBase64(File.ReadAllText(path));
    }

    public static CheckpointSigner FromBase64(string seed)
    {
        var key = Key.Import(SignatureAlgorithm.Ed25519, Convert.FromBase64String(seed.Trim()), KeyBlobFormat.RawPrivateKey,
            new KeyCreationParameters { ExportPolicy = KeyExportPolicies.None });
        return new CheckpointSigner(key);
    }

    public Checkpoint Sign(long size, byte[] root, long lastSeq, Instant time)
    {
        // Microsecond precision, so the time survives a round trip through PostgreSQL unchanged.
        var at = Instant.FromUnixTimeTicks(time.ToUnixTimeTicks() / 10 * 10);
        var signature = SignatureAlgorithm.Ed25519.Sign(_key, Checkpoint.SignedBody(size, root, lastSeq, at));
        return new Checkpoint(size, root, lastSeq, at, PublicKey.KeyId, signature);
    }

    public void Dispose() => _key.Dispose();
}
