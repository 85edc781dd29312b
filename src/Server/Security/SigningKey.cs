using System.Security.Cryptography;
using System.Text;
using LogControl.Hosting.Database;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace LogControl.Server.Security;

/// <summary>
/// The HS256 key of local tokens: Auth:SigningKey when configured, else a random key generated once into
/// .data/jwt.key (mode 600), so tokens survive restarts without anyone having to invent a secret.
/// </summary>
public sealed class SigningKey(IOptions<AuthSettings> settings, ILogger<SigningKey> log)
{
    private const int MinimumBytes = 32; // HS256 wants a key at least as long as the hash
    private readonly Lazy<SymmetricSecurityKey> _key = new(() => Load(settings.Value, log));

    public static string DefaultPath => Path.Combine(LogControlPaths.DataDir, "jwt.key");

    public SymmetricSecurityKey Key => _key.Value;

    private static SymmetricSecurityKey Load(AuthSettings settings, ILogger log)
    {
        var bytes = settings.SigningKey is { Length: > 0 } configured ? FromConfiguration(configured) : FromFile(DefaultPath, log);
        return new SymmetricSecurityKey(bytes) { KeyId = Convert.ToHexString(SHA256.HashData(bytes))[..16].ToLowerInvariant() };
    }

    private static byte[] FromConfiguration(string value)
    {
        byte[] bytes;
        try { bytes = Convert.FromBase64String(value); }
        catch (FormatException) { bytes = Encoding.UTF8.GetBytes(value); }
        if (bytes.Length < MinimumBytes) bytes = Encoding.UTF8.GetBytes(value);
        return bytes.Length >= MinimumBytes ? bytes
            : throw new InvalidOperationException($"Auth:SigningKey needs at least {MinimumBytes} bytes (256 bits); use e.g. `openssl rand -base64 48`");
    }

    private static byte[] FromFile(string path, ILogger log)
    {
        if (!File.Exists(path))
        {
            // Written to a temporary file and moved into place without overwriting: two hosts starting at once
            // (parallel tests) never read a half-written key, and the second simply uses the first one's.
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            var temp = $"{path}.{Guid.NewGuid():N}.tmp";
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var writer = new StreamWriter(new FileStream(temp, options)))
                writer.Write(Convert.ToBase64String(RandomNumberGenerator.GetBytes(64)));
            try
            {
                File.Move(temp, path, overwrite: false);
                log.LogInformation("Generated the signing key for local tokens in {Path}", path);
            }
            catch (IOException) when (File.Exists(path))
            {
                File.Delete(temp);
            }
        }
        var bytes = Convert.FromBase64String(File.ReadAllText(path).Trim());
        return bytes.Length >= MinimumBytes ? bytes : throw new InvalidOperationException($"{path} holds a key shorter than {MinimumBytes} bytes");
    }
}
