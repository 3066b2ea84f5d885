using System.Security.Cryptography;
using System.Text;

namespace Lepton.Registry.Artifacts;

/// <summary>
/// A 256-bit AES key for artifacts at rest, from <c>LEPTON_ENCRYPTION_KEY</c> (base64 or hex) or the file named by
/// <c>LEPTON_ENCRYPTION_KEY_FILE</c>. Errors and <see cref="ToString"/> never show key material.
/// </summary>
public sealed class EncryptionKey
{
    public const int SizeInBytes = 32;
    public const string KeyVariable = "LEPTON_ENCRYPTION_KEY";
    public const string KeyFileVariable = "LEPTON_ENCRYPTION_KEY_FILE";

    private readonly byte[] _key;

    private EncryptionKey(byte[] key)
    {
        _key = key;
        using var hmac = new HMACSHA256(key);
        Fingerprint = Convert.ToHexStringLower(hmac.ComputeHash("lepton-artifacts-key-id"u8.ToArray()))[..16];
    }

    /// <summary>A one-way id of the key (HMAC of a constant), stored beside encrypted artifacts to tell a wrong key from tampering.</summary>
    public string Fingerprint { get; }

    internal ReadOnlySpan<byte> Bytes => _key;

    public static EncryptionKey FromBytes(ReadOnlySpan<byte> key)
    {
        if (key.Length != SizeInBytes)
            throw new ArgumentException($"An encryption key must be {SizeInBytes} bytes (AES-256); got {key.Length}.", nameof(key));
        return new EncryptionKey(key.ToArray());
    }

    /// <summary>Parses 64 hex characters or base64 of 32 bytes; <paramref name="source"/> names where the text came from.</summary>
    public static EncryptionKey Parse(string text, string source = KeyVariable)
    {
        var t = text.Trim();
        if (t.Length == SizeInBytes * 2 && t.All(Uri.IsHexDigit)) return new EncryptionKey(Convert.FromHexString(t));
        var buffer = new byte[t.Length];
        if (Convert.TryFromBase64String(t, buffer, out int n) && n == SizeInBytes) return new EncryptionKey(buffer[..n]);
        throw new FormatException(
            $"{source} is not a 32-byte key: give 64 hex characters or base64 of 32 bytes (make one with `openssl rand -base64 32`).");
    }

    /// <summary>Reads a key file holding hex or base64 text, or exactly 32 raw bytes.</summary>
    public static EncryptionKey FromFile(string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Encryption key file {path} does not exist; fix {KeyFileVariable}.", path);
        var raw = File.ReadAllBytes(path);
        try
        {
            return Parse(Encoding.ASCII.GetString(raw), $"key file {path}");
        }
        catch (FormatException) when (raw.Length == SizeInBytes)
        {
            return new EncryptionKey(raw);
        }
    }

    /// <summary>The configured key, or null when neither variable is set (artifacts are then stored in the clear).</summary>
    public static EncryptionKey? FromEnvironment()
    {
        if (Environment.GetEnvironmentVariable(KeyVariable) is { Length: > 0 } text) return Parse(text);
        if (Environment.GetEnvironmentVariable(KeyFileVariable) is { Length: > 0 } file) return FromFile(file);
        return null;
    }

    public override string ToString() => $"EncryptionKey({Fingerprint})";
}
