using LogControl.Hosting.Database;
using Microsoft.Extensions.Configuration;

namespace LogControl.Hosting.Integrity;

/// <summary>
/// Where the checkpoint signing key and the external checkpoint log live (configuration section "Integrity").
/// The embedded default keeps both under .data/integrity; in production the key belongs in a secret store and
/// the checkpoint folder on storage the database administrators cannot rewrite.
/// </summary>
public sealed record IntegritySettings(string SigningKeyFile, string CheckpointDirectory, string? PublicKeyFile, TimeSpan CheckpointInterval)
{
    public static string DefaultDirectory => Path.Combine(LogControlPaths.DataDir, "integrity");

    public static IntegritySettings Default => new(
        Path.Combine(DefaultDirectory, "checkpoint-signing.key"), Path.Combine(DefaultDirectory, "checkpoints"), null, TimeSpan.FromSeconds(30));

    public static IntegritySettings From(IConfiguration? configuration)
    {
        var d = Default;
        if (configuration == null) return d;
        var s = configuration.GetSection("Integrity");
        return new IntegritySettings(
            s["SigningKeyFile"] is { Length: > 0 } key ? key : d.SigningKeyFile,
            s["CheckpointDirectory"] is { Length: > 0 } dir ? dir : d.CheckpointDirectory,
            s["PublicKeyFile"] is { Length: > 0 } pub ? pub : null,
            double.TryParse(s["CheckpointIntervalSeconds"], System.Globalization.CultureInfo.InvariantCulture, out var secs) && secs > 0
                ? TimeSpan.FromSeconds(secs) : d.CheckpointInterval);
    }

    /// <summary>The public key verifiers trust: the configured file, else the one next to the signing key.</summary>
    public string TrustedPublicKeyFile => PublicKeyFile ?? LogControl.Integrity.CheckpointSigner.PublicKeyPath(SigningKeyFile);

    public ExternalCheckpointLog ExternalLog => new(CheckpointDirectory);
}
