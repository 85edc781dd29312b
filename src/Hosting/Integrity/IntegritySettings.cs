using LogControl.Hosting.Database;
using Microsoft.Extensions.Configuration;

namespace LogControl.Hosting.Integrity;

/// <summary>
/// Where the checkpoint signing key and the external checkpoint log live (configuration section "Integrity").
/// The embedded default keeps both under .data/integrity; in production the key belongs in a secret store and
/// the checkpoint folder on storage the database administrators cannot rewrite.
/// </summary>
/// <param name="CheckpointDirectory">Configured folder for the external log; by default one folder per database under .data/integrity/checkpoints.</param>
public sealed record IntegritySettings(string SigningKeyFile, string? CheckpointDirectory, string? PublicKeyFile, TimeSpan CheckpointInterval)
{
    public static string DefaultDirectory => Path.Combine(LogControlPaths.DataDir, "integrity");

    public static IntegritySettings Default => new(
        Path.Combine(DefaultDirectory, "checkpoint-signing.key"), null, null, TimeSpan.FromSeconds(30));

    public static IntegritySettings From(IConfiguration? configuration)
    {
        var d = Default;
        if (configuration == null) return d;
        var s = configuration.GetSection("Integrity");
        return new IntegritySettings(
            s["SigningKeyFile"] is { Length: > 0 } key ? key : d.SigningKeyFile,
            s["CheckpointDirectory"] is { Length: > 0 } dir ? dir : null,
            s["PublicKeyFile"] is { Length: > 0 } pub ? pub : null,
            double.TryParse(s["CheckpointIntervalSeconds"], System.Globalization.CultureInfo.InvariantCulture, out var secs) && secs > 0
                ? TimeSpan.FromSeconds(secs) : d.CheckpointInterval);
    }

    /// <summary>The public key verifiers trust: the configured file, else the one next to the signing key.</summary>
    public string TrustedPublicKeyFile => PublicKeyFile ?? LogControl.Integrity.CheckpointSigner.PublicKeyPath(SigningKeyFile);

    /// <summary>The trusted public key for a host that also signs: creates the key pair first when there is none yet.</summary>
    public LogControl.Integrity.CheckpointPublicKey LoadOrCreateTrustedKey()
    {
        if (!File.Exists(TrustedPublicKeyFile)) using (LogControl.Integrity.CheckpointSigner.LoadOrCreate(SigningKeyFile)) { }
        return LogControl.Integrity.CheckpointPublicKey.Load(TrustedPublicKeyFile);
    }

    /// <summary>The external log of this store's database: two databases never share one by accident.</summary>
    public ExternalCheckpointLog ExternalLogFor(global::Marten.IDocumentStore store)
    {
        if (CheckpointDirectory != null) return new ExternalCheckpointLog(CheckpointDirectory);
        using var conn = store.Storage.Database.CreateConnection();
        return new ExternalCheckpointLog(Path.Combine(DefaultDirectory, "checkpoints", conn.Database));
    }
}
